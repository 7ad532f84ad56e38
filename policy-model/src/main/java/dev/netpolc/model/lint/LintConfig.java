package dev.netpolc.model.lint;

import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.validation.ValidationOptions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How to lint: severity overrides per rule id ({@code NP212}) or per group ({@code NP2xx}),
 * validation options, and where the cluster DNS runs. An id override wins over its group's.
 *
 * @param overrides  rule id or group to severity ({@link Severity#OFF} turns a rule off)
 * @param validation API validation options
 * @param dns        the cluster DNS that egress-isolated pods must reach
 */
public record LintConfig(Map<String, Severity> overrides, ValidationOptions validation, DnsTarget dns) {
  /** No overrides, lenient CIDRs, the default DNS. */
  public static final LintConfig DEFAULT =
      new LintConfig(Map.of(), ValidationOptions.DEFAULT, DnsTarget.DEFAULT);

  private static final Pattern ID = Pattern.compile("NP[0-9]{3}");
  private static final Pattern GROUP = Pattern.compile("NP[0-9]xx");

  public LintConfig {
    overrides = ImmutableSortedMap.copyOf(overrides);
  }

  /**
   * This config plus one {@code ID=SEVERITY} setting as given on a command line; ids and groups
   * are case-insensitive ({@code np2XX=off}), severities are off, info, warning or error.
   *
   * @throws IllegalArgumentException with a message for the user when the setting is malformed
   */
  public LintConfig withRule(String setting) {
    int eq = setting.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("expected ID=SEVERITY (e.g. NP212=off), got '" + shown(setting) + "'");
    }
    String key = setting.substring(0, eq).trim().toUpperCase(Locale.ROOT).replace("XX", "xx");
    if (!ID.matcher(key).matches() && !GROUP.matcher(key).matches()) {
      throw new IllegalArgumentException("'" + shown(setting.substring(0, eq)) + "' is no rule id (NP206) or group (NP2xx)");
    }
    if (ID.matcher(key).matches() && !LintRules.isCatalogued(key)) {
      throw new IllegalArgumentException("unknown rule id '" + key + "' (see docs/lint-rules.md)");
    }
    Severity severity = parseSeverity(setting.substring(eq + 1).trim());
    Map<String, Severity> next = new TreeMap<>(overrides);
    next.put(key, severity);
    return new LintConfig(next, validation, dns);
  }

  /** This config with other validation options. */
  public LintConfig withValidation(ValidationOptions options) {
    return new LintConfig(overrides, options, dns);
  }

  /** This config with another DNS target. */
  public LintConfig withDns(DnsTarget target) {
    return new LintConfig(overrides, validation, target);
  }

  /** The configured severity for {@code ruleId}: its own override, else its group's, else empty. */
  public Optional<Severity> override(String ruleId) {
    Severity own = overrides.get(ruleId);
    if (own != null) {
      return Optional.of(own);
    }
    return Optional.ofNullable(overrides.get(group(ruleId)));
  }

  /** The severity a finding of {@code ruleId} ends up with, given the severity the rule reported. */
  public Severity severityOf(String ruleId, Severity reported) {
    return override(ruleId).orElse(reported);
  }

  /** The group of an id: {@code NP206} belongs to {@code NP2xx}. */
  public static String group(String ruleId) {
    return ruleId.length() == 5 ? ruleId.substring(0, 3) + "xx" : ruleId;
  }

  /** Parses off, info, warning or error (case-insensitive). */
  public static Severity parseSeverity(String text) {
    for (Severity s : Severity.values()) {
      if (s.label().equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown severity '" + shown(text) + "' (expected off, info, warning or error)");
  }
  /**
   * {@code text} as a message may quote it: control characters shown as {@code ?}, so that a
   * setting cannot send escape sequences to the terminal that prints the error.
   */
  private static String shown(String text) {
    return text.replaceAll("[\\p{Cc}\\u2028\\u2029]", "?");
  }

}
