package dev.netpolc.model.lint;

import dev.netpolc.model.diagnostics.Severity;

/**
 * A rule whose findings come from the API-server validation ({@code dev.netpolc.model.validation}):
 * NP101–NP110, NP151–NP163 and NP214. The validation runs once per lint run; each such rule
 * passes on the findings carrying its id.
 */
public final class ApiValidationRule implements LintRule {
  private final String id;
  private final Severity severity;
  private final String summary;

  /** The rule {@code id}, reported by the validator at {@code severity}. */
  public ApiValidationRule(String id, Severity severity, String summary) {
    this.id = id;
    this.severity = severity;
    this.summary = summary;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Severity defaultSeverity() {
    return severity;
  }

  @Override
  public String summary() {
    return summary;
  }

  @Override
  public boolean needsInventory() {
    return false;
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (LintContext.Owned owned : context.validation()) {
      if (owned.finding().ruleId().equals(id)) {
        if (owned.policy().isPresent()) {
          sink.report(owned.policy().get(), owned.finding());
        } else if (!owned.suppressedRules().isEmpty()) {
          sink.report(owned.suppressedRules(), owned.finding());
        } else {
          sink.report(owned.finding());
        }
      }
    }
  }
}
