package dev.netpolc.model.cilium;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.LabelSelector;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule of a Cilium policy: the policy's {@code spec}, or one entry of its {@code specs}.
 * Each rule selects its subjects and carries its own sections; the rules of one policy do not
 * combine beyond applying side by side (SEMANTICS-CILIUM.md, "The decision").
 *
 * @param path               where the rule is: {@code spec} or {@code specs[i]}
 * @param endpointSelector   {@code endpointSelector} (empty when absent; validation then refuses the rule)
 * @param nodeSelectorGiven  true when {@code nodeSelector} (host policy) was written; refused
 * @param ingress            {@code ingress}
 * @param ingressDeny        {@code ingressDeny}
 * @param egress             {@code egress}
 * @param egressDeny         {@code egressDeny}
 * @param defaultDenyIngress {@code enableDefaultDeny.ingress}, empty when not written
 * @param defaultDenyEgress  {@code enableDefaultDeny.egress}, empty when not written
 * @param description        {@code description} ("" when absent)
 * @param labels             {@code labels}, each as {@code source:key=value} ({@code source}
 *                           "unspec" when not written)
 */
public record CiliumRule(String path, Optional<LabelSelector> endpointSelector, boolean nodeSelectorGiven,
    List<CiliumPeerRule> ingress, List<CiliumPeerRule> ingressDeny, List<CiliumPeerRule> egress,
    List<CiliumPeerRule> egressDeny, Optional<Boolean> defaultDenyIngress, Optional<Boolean> defaultDenyEgress,
    String description, List<String> labels) {

  public CiliumRule {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(endpointSelector, "endpointSelector");
    ingress = ImmutableList.copyOf(ingress);
    ingressDeny = ImmutableList.copyOf(ingressDeny);
    egress = ImmutableList.copyOf(egress);
    egressDeny = ImmutableList.copyOf(egressDeny);
    Objects.requireNonNull(defaultDenyIngress, "defaultDenyIngress");
    Objects.requireNonNull(defaultDenyEgress, "defaultDenyEgress");
    Objects.requireNonNull(description, "description");
    labels = ImmutableList.copyOf(labels);
  }

  /** Every section rule, in the order ingress, ingressDeny, egress, egressDeny. */
  public List<CiliumPeerRule> peerRules() {
    return ImmutableList.<CiliumPeerRule>builder().addAll(ingress).addAll(ingressDeny).addAll(egress)
        .addAll(egressDeny).build();
  }

  /**
   * Whether this rule puts its subjects in default deny for a direction: Cilium's sanitiser
   * defaults {@code enableDefaultDeny.<direction>} to "the rule has an allow or deny section
   * of that direction", and an explicit value wins (pkg/policy/api/rule_validation.go,
   * {@code Rule.Sanitize}; SEMANTICS-CILIUM.md step 3).
   */
  public boolean defaultDeny(CiliumDirection direction) {
    if (direction == CiliumDirection.INGRESS) {
      return defaultDenyIngress.orElse(!ingress.isEmpty() || !ingressDeny.isEmpty());
    }
    return defaultDenyEgress.orElse(!egress.isEmpty() || !egressDeny.isEmpty());
  }
}
