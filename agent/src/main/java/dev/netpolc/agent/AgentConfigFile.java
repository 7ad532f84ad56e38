package dev.netpolc.agent;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent's configuration file ({@code --config FILE}): one YAML mapping whose keys are the
 * agent's long option names without the dashes ({@code node}, {@code metrics-address},
 * {@code counters}, ...) and whose values are scalars, as a ConfigMap mounted into the DaemonSet
 * holds it. Reading checks only the shape (a mapping of scalars, no key twice); which keys exist
 * and what their values may be is the command's business ({@link AgentCommand}), which reports
 * through {@link Entry#where()} so every error names file:line:column and the key.
 *
 * @param file    the file as given
 * @param entries the settings in file order
 */
public record AgentConfigFile(Path file, List<Entry> entries) {

  public AgentConfigFile {
    Objects.requireNonNull(file, "file");
    entries = List.copyOf(entries);
  }

  /**
   * One setting.
   *
   * @param key    the option name without dashes
   * @param value  the scalar as written (YAML {@code true}/{@code false} for flags; null for {@code ~})
   * @param flag   true when the value is a YAML boolean
   * @param line   1-based line of the key
   * @param column 1-based column of the key
   */
  public record Entry(String key, String value, boolean flag, int line, int column) {
    public Entry {
      Objects.requireNonNull(key, "key");
    }
  }

  /** A file that is not a YAML mapping of scalars. */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /** With the message, which starts with file:line:column. */
    public ConfigException(String message) {
      super(message);
    }
  }

  /** {@code file:line:column} of {@code e}, for messages about it. */
  public String where(Entry e) {
    return file + ":" + e.line() + ":" + e.column();
  }

  /** Reads {@code file}; an empty file (or one holding only comments) has no settings. */
  public static AgentConfigFile read(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    return parse(file, text);
  }

  /** Parses {@code text} as the contents of {@code file}. */
  public static AgentConfigFile parse(Path file, String text) throws ConfigException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new AgentConfigFile(file, List.of());
      }
      if (t != JsonToken.START_OBJECT) {
        throw error(file, p.currentTokenLocation(), "the file must be a mapping of option names to values");
      }
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        JsonLocation at = p.currentTokenLocation();
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
          throw error(file, at, key + ": the value must be a single value, not a "
              + (v == JsonToken.START_OBJECT ? "mapping" : "list"));
        }
        boolean flag = v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE;
        String value = v == JsonToken.VALUE_NULL ? null : p.getText();
        Entry e = new Entry(key, value, flag, at.getLineNr(), at.getColumnNr());
        Entry before = entries.putIfAbsent(key, e);
        if (before != null) {
          throw error(file, at, key + ": set twice (first at line " + before.line() + ")");
        }
      }
      if (p.nextToken() != null) {
        throw error(file, p.currentTokenLocation(), "only one YAML document is allowed");
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String why = e.getOriginalMessage().lines().findFirst().orElse("not YAML");
      throw at == null ? new ConfigException(file + ": " + why) : error(file, at, why);
    } catch (IOException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
    return new AgentConfigFile(file, List.copyOf(entries.values()));
  }

  private static ConfigException error(Path file, JsonLocation at, String message) {
    return new ConfigException(file + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + message);
  }
}
