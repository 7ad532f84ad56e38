package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Severity;

/**
 * NP305 (information, off by default): {@code metadata.namespace} is missing, so the policy
 * lands in the namespace of the kubectl context ({@code default} here) rather than a fixed one.
 */
public final class NamespaceOmitted extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP305";

  /** The rule. */
  public NamespaceOmitted() {
    super(ID, Severity.OFF, "metadata.namespace missing (lands in default)", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      if (!p.source().has("metadata.namespace")) {
        sink.report(p, finding(p, "metadata.name",
            "metadata.namespace is missing; the policy applies to the namespace it is applied in ("
                + p.namespace() + " here)"));
      }
    }
  }
}
