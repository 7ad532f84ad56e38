package dev.netpolc.compiler.reference;

import dev.netpolc.model.PolicyType;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;

/**
 * A rule that matched in a Calico tier (SEMANTICS-CALICO.md, "The decision"): the one that
 * decided or passed a direction, or a {@code Log} rule on the way.
 *
 * @param policy    the policy: {@code GlobalNetworkPolicy/NAME} or {@code NetworkPolicy/NS/NAME}
 *                  for Calico's own, {@code knp.default.NAME (Kubernetes NetworkPolicy NS/NAME)}
 *                  for a Kubernetes NetworkPolicy in the {@code default} tier, {@code anp:NAME},
 *                  {@code banp:NAME} or {@code cnp:NAME} for the {@code kube-admin} and
 *                  {@code kube-baseline} tiers
 * @param tier      the tier the policy is in
 * @param direction ingress or egress
 * @param ruleIndex the index in {@code spec.ingress} or {@code spec.egress}
 * @param action    the action as Calico names it: {@code Allow}, {@code Deny}, {@code Pass} or
 *                  {@code Log} (a Kubernetes NetworkPolicy rule is an {@code Allow}; a cluster
 *                  policy's {@code Accept} is an {@code Allow})
 * @param path      field path of the rule, e.g. {@code spec.ingress[2]}
 * @param position  where the rule is in the input
 */
public record CalicoRuleMatch(PolicyRef policy, String tier, PolicyType direction, int ruleIndex, String action,
    String path, SourcePosition position) {
  public CalicoRuleMatch {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(position, "position");
  }

  /** One line such as {@code GlobalNetworkPolicy/guard spec.ingress[2] (Deny) at f.yaml:12:5}. */
  public String describe() {
    String at = position.isKnown() ? " at " + position : "";
    return policy.key() + " " + path + " (" + action + ")" + at;
  }
}
