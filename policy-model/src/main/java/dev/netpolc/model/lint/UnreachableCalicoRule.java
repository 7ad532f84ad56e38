package dev.netpolc.model.lint;

import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;

/**
 * NP262: a rule of a Calico policy (any kind, staged too) after an unconditional Allow, Deny or
 * Pass of the same policy and direction. Such a rule matches every packet and decides, so
 * evaluation never reaches the rules after it (SEMANTICS-CALICO.md, "The decision"); they are
 * dead text, often a rule meant to come first. Each unreachable rule is reported on its list
 * item, with the unconditional rule as related location. An unconditional Log does not count:
 * evaluation goes on after it.
 */
public final class UnreachableCalicoRule extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP262";

  /** The rule. */
  public UnreachableCalicoRule() {
    super(ID, Severity.WARNING, "a Calico rule after an unconditional Allow, Deny or Pass (never evaluated)", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (CalicoPolicy p : context.cluster().calico().policies()) {
      for (boolean ingress : new boolean[] {true, false}) {
        List<CalicoRule> rules = p.rules(ingress);
        int k = CalicoRuleWalk.firstUnconditionalDecision(rules);
        if (k < 0) {
          continue;
        }
        String first = CalicoRuleWalk.path(ingress, k);
        String action = rules.get(k).action();
        List<Diagnostic.Related> related = List.of(new Diagnostic.Related(p.source().find(first),
            "the unconditional " + action + " rule"));
        for (int j = k + 1; j < rules.size(); j++) {
          sink.report(p.suppressedRules(), finding(p.source(), p.key(), CalicoRuleWalk.path(ingress, j),
              "never evaluated: " + first + " before it (" + action + " with no match criteria) matches every "
              + "packet and ends the walk through this policy's " + CalicoRuleWalk.direction(ingress) + " rules; "
              + "move this rule before it, or remove it", related));
        }
      }
    }
  }
}
