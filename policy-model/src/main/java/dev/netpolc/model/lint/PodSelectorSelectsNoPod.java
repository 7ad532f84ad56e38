package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Severity;

/**
 * NP201: the policy's podSelector selects no pod of the inventory, so the policy does nothing;
 * often a label typo or the wrong namespace.
 */
public final class PodSelectorSelectsNoPod extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP201";

  /** The rule. */
  public PodSelectorSelectsNoPod() {
    super(ID, Severity.WARNING, "the policy's podSelector selects no pod", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      if (context.selection().subjects(p).isEmpty()) {
        sink.report(p, finding(p, "spec.podSelector", "selector " + p.podSelector()
            + " selects no running pod in namespace " + p.namespace() + ", so the policy has no effect"));
      }
    }
  }
}
