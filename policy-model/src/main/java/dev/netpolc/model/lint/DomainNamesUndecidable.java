package dev.netpolc.model.lint;

import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import java.util.List;

/**
 * NP257 (information): a {@code domainNames} peer. Which addresses a name stands for is decided
 * by DNS at run time, not by the cluster's objects, so netpolc cannot compile it exactly:
 * {@code compile} refuses the policy unless the option {@code domainNames=match-nothing} is set
 * (then the peer matches no address); {@code matrix} and {@code explain} treat it as matching
 * nothing (SEMANTICS-TIERS.md).
 */
public final class DomainNamesUndecidable extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP257";

  /** The rule. */
  public DomainNamesUndecidable() {
    super(ID, Severity.INFO, "domainNames used: compile refuses it unless domainNames=match-nothing", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (ClusterNetworkPolicy p : context.cluster().tieredPolicies()) {
      for (boolean ingress : new boolean[] {true, false}) {
        List<ClusterPolicyRule> rules = p.rules(ingress);
        for (int i = 0; i < rules.size(); i++) {
          List<ClusterPolicyPeer> peers = rules.get(i).peers();
          for (int j = 0; j < peers.size(); j++) {
            if (peers.get(j).domainNames().isPresent()) {
              String path = (ingress ? "spec.ingress[" : "spec.egress[") + i + (ingress ? "].from[" : "].to[") + j
                  + "].domainNames";
              sink.report(p.suppressedRules(), finding(p.source(), p.key(), path, "domainNames cannot be decided "
                  + "from the cluster's objects: `netpolc compile` refuses this policy unless the option "
                  + "domainNames=match-nothing is set (the peer then matches no address); matrix and explain treat "
                  + "it as matching nothing", List.of()));
            }
          }
        }
      }
    }
  }
}
