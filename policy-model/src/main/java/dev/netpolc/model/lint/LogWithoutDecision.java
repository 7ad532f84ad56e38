package dev.netpolc.model.lint;

import dev.netpolc.model.calico.CalicoAction;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;

/**
 * NP264: a {@code Log} rule of a Calico policy (any kind, staged too) with no rule after it in
 * the same policy and direction that decides (only other Log rules, or none). Log records the
 * packet and goes on with the next rule (SEMANTICS-CALICO.md, "The decision"); at the end of the
 * rules the log says nothing about what happened to the packet, which the next policy or tier
 * decides. Calico's documentation pairs a Log with the rule after it that has the same match
 * and decides. Rules after an unconditional decision are left to NP262.
 */
public final class LogWithoutDecision extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP264";

  /** The rule. */
  public LogWithoutDecision() {
    super(ID, Severity.WARNING, "a Calico Log rule with no deciding rule after it in its policy", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (CalicoPolicy p : context.cluster().calico().policies()) {
      for (boolean ingress : new boolean[] {true, false}) {
        List<CalicoRule> rules = p.rules(ingress);
        int end = CalicoRuleWalk.reachable(rules);
        if (end < rules.size() || end == 0) {
          continue; // an unconditional decision follows every reachable Log
        }
        int start = end;
        while (start > 0 && rules.get(start - 1).actionKind() == CalicoAction.LOG) {
          start--;
        }
        for (int i = start; i < end; i++) {
          String path = CalicoRuleWalk.path(ingress, i);
          sink.report(p.suppressedRules(), finding(p.source(), p.key(), path + ".action", "Log with no rule after it "
              + "that decides in this policy's " + CalicoRuleWalk.direction(ingress) + " rules: the log records packets "
              + "whose fate another policy or tier decides; follow it with the Allow, Deny or Pass rule whose "
              + "packets it should record, or remove it", List.of()));
        }
      }
    }
  }
}
