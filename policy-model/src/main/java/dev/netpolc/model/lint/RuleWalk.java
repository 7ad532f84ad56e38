package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyRule;
import java.util.List;

/**
 * The rules of a policy with their field paths, so that rules iterating both directions name
 * them the same way ({@code spec.ingress[0]}, peers under {@code from}; egress under {@code to}).
 *
 * @param policy the policy
 * @param rule   the rule
 * @param path   {@code spec.ingress[i]} or {@code spec.egress[i]}
 * @param peersKey {@code from} or {@code to}
 * @param ingress  true for an ingress rule
 * @param index    the index in its list
 */
record RuleWalk(NetworkPolicy policy, PolicyRule rule, String path, String peersKey, boolean ingress, int index) {

  /** Every ingress then every egress rule of {@code p}, in order. */
  static List<RuleWalk> of(NetworkPolicy p) {
    java.util.ArrayList<RuleWalk> out = new java.util.ArrayList<>();
    for (int i = 0; i < p.ingress().size(); i++) {
      out.add(new RuleWalk(p, p.ingress().get(i), "spec.ingress[" + i + "]", "from", true, i));
    }
    for (int i = 0; i < p.egress().size(); i++) {
      out.add(new RuleWalk(p, p.egress().get(i), "spec.egress[" + i + "]", "to", false, i));
    }
    return out;
  }

  /** The path of peer {@code j}. */
  String peerPath(int j) {
    return path + "." + peersKey + "[" + j + "]";
  }

  /** True when the policy isolates the rule's direction (otherwise the rule is ignored). */
  boolean effective() {
    return ingress ? policy.isolatesIngress() : policy.isolatesEgress();
  }

  /** {@code ingress} or {@code egress}. */
  String direction() {
    return ingress ? "ingress" : "egress";
  }
}
