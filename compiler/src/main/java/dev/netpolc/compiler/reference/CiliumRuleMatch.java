package dev.netpolc.compiler.reference;

import dev.netpolc.model.PolicyType;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;

/**
 * The rule that decided a direction in the {@code cilium} profile (SEMANTICS-CILIUM.md, "The
 * decision"): a deny rule of a Cilium policy, or an allow rule of a Cilium policy or of a
 * Kubernetes NetworkPolicy.
 *
 * @param policy    {@code CiliumNetworkPolicy/NS/NAME}, {@code CiliumClusterwideNetworkPolicy/NAME},
 *                  or {@code NS/NAME} for a Kubernetes NetworkPolicy
 * @param direction ingress or egress
 * @param deny      true for an {@code ingressDeny}/{@code egressDeny} rule
 * @param ruleIndex the index in its section ({@code spec.ingress}, {@code specs[1].egressDeny}, ...)
 * @param path      field path of the rule, e.g. {@code specs[1].ingressDeny[0]}
 * @param position  where the rule is in the input
 */
public record CiliumRuleMatch(PolicyRef policy, PolicyType direction, boolean deny, int ruleIndex, String path,
    SourcePosition position) {
  public CiliumRuleMatch {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(position, "position");
  }

  /** One line such as {@code CiliumNetworkPolicy/ns/p specs[0].ingressDeny[1] (Deny) at f.yaml:12:5}. */
  public String describe() {
    String at = position.isKnown() ? " at " + position : "";
    return policy.key() + " " + path + " (" + (deny ? "Deny" : "Allow") + ")" + at;
  }
}
