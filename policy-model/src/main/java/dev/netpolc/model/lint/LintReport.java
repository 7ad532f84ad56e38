package dev.netpolc.model.lint;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one lint run: the findings sorted by file, line, column and id; the rules that
 * were skipped with a one-line reason each; and the rules that ran or could run, for formats
 * that list them (SARIF).
 *
 * @param findings every finding, sorted deterministically
 * @param skipped  rules that did not run, and why
 * @param rules    the rule catalogue of this run
 */
public record LintReport(List<Diagnostic> findings, List<Skipped> skipped, List<LintRule> rules) {

  /** Findings in output order: file, line, column, id, then message for ties. */
  public static final Comparator<Diagnostic> ORDER = Comparator
      .comparing((Diagnostic d) -> d.position(), SourcePosition::compareTo)
      .thenComparing(Diagnostic::ruleId)
      .thenComparing(Diagnostic::path)
      .thenComparing(Diagnostic::message);

  /**
   * A rule that did not run.
   *
   * @param ruleId the rule
   * @param reason why, in one line
   */
  public record Skipped(String ruleId, String reason) {
    public Skipped {
      Objects.requireNonNull(ruleId, "ruleId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  public LintReport {
    findings = findings.stream().sorted(ORDER).collect(ImmutableList.toImmutableList());
    skipped = ImmutableList.copyOf(skipped);
    rules = ImmutableList.copyOf(rules);
  }

  /** A report of input errors alone (the input could not be read), over the full catalogue. */
  public static LintReport ofInputErrors(List<Diagnostic> errors) {
    return new LintReport(errors, List.of(), LintRules.all());
  }

  /** The number of findings of each severity, ERROR first; zero counts included. */
  public Map<Severity, Integer> counts() {
    Map<Severity, Integer> out = new EnumMap<>(Severity.class);
    for (Severity s : List.of(Severity.ERROR, Severity.WARNING, Severity.INFO)) {
      out.put(s, 0);
    }
    for (Diagnostic d : findings) {
      out.merge(d.severity(), 1, Integer::sum);
    }
    return out;
  }

  /** The number of findings of severity {@code s}. */
  public int count(Severity s) {
    return (int) findings.stream().filter(d -> d.severity() == s).count();
  }

  /** True when some finding is at least as serious as {@code threshold}. */
  public boolean failsAt(Severity threshold) {
    return findings.stream().anyMatch(d -> d.severity().compareTo(threshold) >= 0 && d.severity() != Severity.OFF);
  }
}
