package dev.netpolc.model.lint;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs the API validation and the lint rules over a cluster, applies the configured severities
 * and the inline suppressions, and returns a sorted {@link LintReport}.
 *
 * <pre>{@code
 * LintReport report = new Linter(LintConfig.DEFAULT.withRule("NP2xx=error")).lint(cluster);
 * }</pre>
 */
public final class Linter {
  /** The reason given for inventory rules when the input has no inventory. */
  public static final String NO_INVENTORY = "needs Namespace or Pod objects in the input";

  private final LintConfig config;
  private final List<LintRule> rules;

  /** A linter running every registered rule. */
  public Linter(LintConfig config) {
    this(config, LintRules.all());
  }

  /** A linter running {@code rules} only. */
  public Linter(LintConfig config, List<LintRule> rules) {
    this.config = config;
    this.rules = ImmutableList.copyOf(rules);
  }

  /** Lints {@code cluster}. */
  public LintReport lint(Cluster cluster) {
    LintContext context = new LintContext(cluster, config);
    List<Diagnostic> findings = new ArrayList<>();
    List<LintReport.Skipped> skipped = new ArrayList<>();
    for (LintRule rule : rules) {
      if (config.severityOf(rule.id(), rule.defaultSeverity()) == Severity.OFF) {
        continue; // turned off (or off by default and not asked for): neither run nor reported as skipped
      }
      if (rule.needsInventory() && !cluster.hasInventory()) {
        skipped.add(new LintReport.Skipped(rule.id(), NO_INVENTORY));
        continue;
      }
      rule.check(context, new LintSink() {
        @Override
        public void report(NetworkPolicy policy, Diagnostic finding) {
          if (!suppressed(policy, finding.ruleId())) {
            report(finding);
          }
        }

        @Override
        public void report(Set<String> suppressedRules, Diagnostic finding) {
          if (!suppressed(suppressedRules, finding.ruleId())) {
            report(finding);
          }
        }

        @Override
        public void report(Diagnostic finding) {
          Severity s = config.severityOf(finding.ruleId(), finding.severity());
          if (s != Severity.OFF) {
            findings.add(finding.withSeverity(s));
          }
        }
      });
    }
    return new LintReport(findings, skipped, rules);
  }

  /**
   * True when the policy carries {@code # netpolc: disable=X} where X is the id, its group
   * ({@code NP2xx}) or {@code all}, in any letter case.
   */
  static boolean suppressed(NetworkPolicy policy, String ruleId) {
    return suppressed(policy.suppressedRules(), ruleId);
  }

  /** As {@link #suppressed(NetworkPolicy, String)} for an object's suppression comments. */
  static boolean suppressed(Set<String> suppressedRules, String ruleId) {
    String group = LintConfig.group(ruleId);
    return suppressedRules.stream()
        .anyMatch(s -> s.equalsIgnoreCase(ruleId) || s.equalsIgnoreCase(group) || s.equalsIgnoreCase("all"));
  }
}
