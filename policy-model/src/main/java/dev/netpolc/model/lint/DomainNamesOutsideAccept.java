package dev.netpolc.model.lint;

import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.RuleAction;
import java.util.List;
import java.util.Optional;

/**
 * NP251: a {@code domainNames} peer in a Deny or Pass rule. The API supports domainNames only
 * in Accept rules (an allow-list of domains ahead of a lower-precedence deny); what a Deny or
 * Pass rule on names does is left to implementations, which may reject it or apply it to no
 * traffic.
 */
public final class DomainNamesOutsideAccept extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP251";

  /** The rule. */
  public DomainNamesOutsideAccept() {
    super(ID, Severity.WARNING, "domainNames in a rule whose action is not Accept", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (ClusterNetworkPolicy p : context.cluster().tieredPolicies()) {
      List<ClusterPolicyRule> rules = p.egress();
      for (int i = 0; i < rules.size(); i++) {
        Optional<RuleAction> action = rules.get(i).parsedAction();
        if (action.isEmpty() || action.get() == RuleAction.ACCEPT) {
          continue; // an invalid action is the validator's (NP153)
        }
        List<ClusterPolicyPeer> peers = rules.get(i).peers();
        for (int j = 0; j < peers.size(); j++) {
          if (peers.get(j).domainNames().isPresent()) {
            String path = "spec.egress[" + i + "].to[" + j + "].domainNames";
            sink.report(p.suppressedRules(), finding(p.source(), p.key(), path, "domainNames in a "
                + rules.get(i).action() + " rule: the API supports domainNames only in Accept rules (an "
                + "allow-list ahead of a lower-precedence Deny); implementations may reject this rule or apply it "
                + "to no traffic", List.of()));
          }
        }
      }
    }
  }
}
