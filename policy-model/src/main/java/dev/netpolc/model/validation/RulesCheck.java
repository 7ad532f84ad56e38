package dev.netpolc.model.validation;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyRule;
import java.util.List;

/**
 * The structure of a policy's spec (ValidateNetworkPolicySpec): its podSelector and, for every
 * ingress and egress rule, each port and each peer.
 */
public final class RulesCheck implements PolicyCheck {
  private final ValidationOptions options;

  /** A check with these options (strict CIDRs or not). */
  public RulesCheck(ValidationOptions options) {
    this.options = options;
  }

  @Override
  public void check(NetworkPolicy policy, Findings out) {
    LabelSelectorCheck.check(policy.podSelector(), "spec.podSelector", out);
    checkRules(policy.ingress(), "spec.ingress", "from", out);
    checkRules(policy.egress(), "spec.egress", "to", out);
  }

  private void checkRules(List<PolicyRule> rules, String path, String peersField, Findings out) {
    for (int i = 0; i < rules.size(); i++) {
      String rulePath = path + "[" + i + "]";
      PolicyRule rule = rules.get(i);
      for (int j = 0; j < rule.ports().size(); j++) {
        PortCheck.check(rule.ports().get(j), rulePath + ".ports[" + j + "]", out);
      }
      for (int j = 0; j < rule.peers().size(); j++) {
        PeerCheck.check(rule.peers().get(j), rulePath + "." + peersField + "[" + j + "]", options, out);
      }
    }
  }
}
