package dev.netpolc.model.npa;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One ingress or egress rule of a ClusterNetworkPolicy, as written.
 *
 * @param name      {@code name} (at most 100 characters)
 * @param action    {@code action} as written ({@code Accept}, {@code Deny}, {@code Pass}; anything
 *                  else is reported by validation; "" when absent)
 * @param peers     {@code from} (ingress) or {@code to} (egress), OR-ed
 * @param protocols {@code protocols}, OR-ed; absent means every protocol and port (ICMP
 *                  included), present but empty matches nothing (a v1alpha1 rule whose every
 *                  port entry names a protocol that cannot match lowers to that)
 */
public record ClusterPolicyRule(Optional<String> name, String action, List<ClusterPolicyPeer> peers,
    Optional<List<ClusterPolicyProtocol>> protocols) {

  public ClusterPolicyRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    peers = ImmutableList.copyOf(peers);
    protocols = protocols.map(ImmutableList::copyOf);
  }

  /** The action, when it is one of the API's values. */
  public Optional<RuleAction> parsedAction() {
    return RuleAction.parse(action);
  }
}
