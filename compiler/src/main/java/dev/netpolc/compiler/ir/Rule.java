package dev.netpolc.compiler.ir;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.IpAddress;
import java.util.List;
import java.util.Objects;

/**
 * One rule of the graph: for connections in {@code direction} of the endpoints of group
 * {@code subject}, when the peer address is in {@code peers} and the protocol/port in
 * {@code ports}, take {@code action}. Rules are evaluated per group and direction in
 * {@link Tier} rank order, then by ascending {@code priority}, then in list order.
 *
 * @param direction ingress (peer = source) or egress (peer = destination)
 * @param tier      the tier
 * @param priority  order within the tier; lower first (0 for NetworkPolicy)
 * @param subject   the id of the {@link EndpointGroup} the rule protects
 * @param peers     peer addresses
 * @param ports     protocols and destination ports
 * @param action    what a match does
 * @param origins   the policy rules this rule implements (sorted, at least one when built
 *                  from policies)
 */
public record Rule(Direction direction, Tier tier, int priority, String subject, AddressSet peers, PortSet ports,
    Action action, List<Origin> origins) {

  public Rule {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(action, "action");
    if (origins.size() <= 1) {
      origins = ImmutableList.copyOf(origins);
    } else if (!(origins instanceof ImmutableList && strictlyAscending(origins))) {
      origins = ImmutableList.sortedCopyOf(origins.stream().distinct().toList());
    }
  }

  /** True when the list is already sorted and distinct (the origins of every rule derived from another). */
  private static boolean strictlyAscending(List<Origin> origins) {
    for (int i = 1; i < origins.size(); i++) {
      if (origins.get(i - 1).compareTo(origins.get(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** True when a connection with this peer, protocol and port matches. */
  public boolean matches(IpAddress peer, int protocol, int port) {
    return ports.matches(protocol, port) && peers.contains(peer);
  }

  /** This rule for another subject group. */
  public Rule withSubject(String newSubject) {
    return new Rule(direction, tier, priority, newSubject, peers, ports, action, origins);
  }

  /** This rule with other peers. */
  public Rule withPeers(AddressSet newPeers) {
    return new Rule(direction, tier, priority, subject, newPeers, ports, action, origins);
  }

  /** This rule with other ports. */
  public Rule withPorts(PortSet newPorts) {
    return new Rule(direction, tier, priority, subject, peers, newPorts, action, origins);
  }

  /** This rule with other origins. */
  public Rule withOrigins(List<Origin> newOrigins) {
    return new Rule(direction, tier, priority, subject, peers, ports, action, newOrigins);
  }

  /**
   * True when both rules are in the same ordered run: same direction, tier, priority, action.
   * Within a run of ALLOW, DENY or PASS rules order cannot change a verdict; a run of LOG rules
   * may be reordered but not merged (each logs under its own origins).
   */
  public boolean sameRun(Rule o) {
    return direction == o.direction && priority == o.priority && action == o.action && tier.equals(o.tier);
  }
}
