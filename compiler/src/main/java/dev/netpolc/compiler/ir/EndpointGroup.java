package dev.netpolc.compiler.ir;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Endpoints that get the same treatment: one chain or map entry per group in a backend.
 *
 * @param id              stable id: the pod key of its first member (members are sorted), so it
 *                        is unique, deterministic and survives unrelated changes
 * @param members         the endpoints, sorted by pod key, at least one
 * @param ingressIsolated some NetworkPolicy isolates the members for ingress (default deny at
 *                        the end of the {@link Tier#NETWORK_POLICY} tier)
 * @param egressIsolated  likewise for egress
 */
public record EndpointGroup(String id, List<Endpoint> members, boolean ingressIsolated, boolean egressIsolated) {
  public EndpointGroup {
    Objects.requireNonNull(id, "id");
    members = ImmutableList.sortedCopyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("group " + id + " has no members");
    }
  }

  /** A group whose id is its first member's pod key. */
  public static EndpointGroup of(List<Endpoint> members, boolean ingressIsolated, boolean egressIsolated) {
    List<Endpoint> sorted = ImmutableList.sortedCopyOf(members);
    if (sorted.isEmpty()) {
      throw new IllegalArgumentException("group without members");
    }
    return new EndpointGroup(sorted.get(0).pod(), sorted, ingressIsolated, egressIsolated);
  }

  /** True when the group is isolated in {@code d}. */
  public boolean isolated(Direction d) {
    return d == Direction.INGRESS ? ingressIsolated : egressIsolated;
  }

  /** Every member address as one set (one host CIDR per address). */
  public AddressSet addresses() {
    List<IpAddress> all = new ArrayList<>();
    for (Endpoint e : members) {
      all.addAll(e.ips());
    }
    return AddressSet.ofAddresses(all);
  }
}
