package dev.netpolc.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.lint.DnsTarget;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.selector.SelectorParser;
import dev.netpolc.model.selector.SelectorSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code netpolc lint --config FILE} file: a small YAML mapping of rule severities and the
 * cluster DNS location, applied on top of a {@link LintConfig}.
 *
 * <pre>
 * rules: {NP212: off, NP3xx: info}
 * dns: {namespace: kube-system, podSelector: "k8s-app=kube-dns"}
 * </pre>
 *
 * Unknown keys, wrong types and bad values are errors naming {@code file:line:column}.
 */
final class LintConfigFile {
  /** A configuration file that cannot be used; the message names file, line and column. */
  static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
      // Keys and values of the file, and the YAML parser's own messages, may carry control
      // characters: shown as '?', so that the file cannot send escape sequences to a terminal.
      super(message.replaceAll("[\\p{Cc}\\u2028\\u2029&&[^\\n]]", "?"));
    }
  }

  private final String file;
  private final JsonParser parser;

  private LintConfigFile(String file, JsonParser parser) {
    this.file = file;
    this.parser = parser;
  }

  /** {@code base} with the settings of {@code path} applied. */
  static LintConfig apply(Path path, LintConfig base) throws ConfigException {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ConfigException(path + ": cannot read the file: " + e.getMessage());
    }
    return apply(path.toString(), text, base);
  }

  /** {@code base} with the settings of {@code text}, read from the file {@code file}, applied. */
  static LintConfig apply(String file, String text, LintConfig base) throws ConfigException {
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      return new LintConfigFile(file, p).read(base);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? file : file + ":" + at.getLineNr() + ":" + at.getColumnNr();
      throw new ConfigException(where + ": not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read the file: " + e.getMessage());
    }
  }

  private LintConfig read(LintConfig base) throws IOException, ConfigException {
    JsonToken t = parser.nextToken();
    if (t == null) {
      return base; // an empty file configures nothing
    }
    expect(t == JsonToken.START_OBJECT, "expected a mapping with keys rules and dns");
    LintConfig config = base;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      if (key.equals("rules")) {
        config = rules(config);
      } else if (key.equals("dns")) {
        config = dns(config);
      } else {
        throw error("unknown key '" + key + "' (expected rules or dns)");
      }
    }
    return config;
  }

  private LintConfig rules(LintConfig config) throws IOException, ConfigException {
    expect(parser.nextToken() == JsonToken.START_OBJECT, "rules: expected a mapping of rule id to severity");
    LintConfig out = config;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String id = parser.currentName();
      String severity = scalar("rules." + id);
      try {
        out = out.withRule(id + "=" + severity);
      } catch (IllegalArgumentException e) {
        throw error("rules." + id + ": " + e.getMessage());
      }
    }
    return out;
  }

  private LintConfig dns(LintConfig config) throws IOException, ConfigException {
    expect(parser.nextToken() == JsonToken.START_OBJECT, "dns: expected a mapping with namespace and podSelector");
    DnsTarget dns = config.dns();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      if (key.equals("namespace")) {
        dns = new DnsTarget(scalar("dns.namespace"), dns.podSelector(), dns.port());
      } else if (key.equals("podSelector")) {
        String text = scalar("dns.podSelector");
        try {
          dns = new DnsTarget(dns.namespace(), selector(text), dns.port());
        } catch (SelectorSyntaxException e) {
          throw error("dns.podSelector: " + e.getMessage());
        }
      } else {
        throw error("dns: unknown key '" + key + "' (expected namespace or podSelector)");
      }
    }
    return config.withDns(dns);
  }

  /** Parses a kubectl-style selector ({@code k8s-app=kube-dns}). */
  static LabelSelector selector(String text) throws SelectorSyntaxException {
    return SelectorParser.parse(text);
  }

  private String scalar(String what) throws IOException, ConfigException {
    JsonToken t = parser.nextToken();
    expect(t != null && t.isScalarValue(), what + ": expected a single value");
    return parser.getText();
  }

  private void expect(boolean ok, String message) throws ConfigException {
    if (!ok) {
      throw error(message);
    }
  }

  private ConfigException error(String message) {
    JsonLocation at = parser.currentTokenLocation();
    return new ConfigException(file + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + message);
  }
}
