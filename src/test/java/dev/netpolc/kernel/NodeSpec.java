package dev.netpolc.kernel;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;

/**
 * One simulated node of a {@link Topology}: a network namespace that holds the CNI bridge (or
 * the ptp host ends), forwards between its pods and other nodes, and is where rules are loaded.
 *
 * @param name      the node's name, e.g. {@code node0}
 * @param index     position in declaration order, from 0
 * @param podCidrV4 the IPv4 block its pods' addresses come from
 * @param podCidrV6 the IPv6 block its pods' addresses come from
 * @param addressV4 the node's own IPv4 address (the "host" endpoint; on its uplink)
 * @param addressV6 the node's own IPv6 address
 * @param namespace the network namespace's name
 */
public record NodeSpec(String name, int index, Cidr podCidrV4, Cidr podCidrV6, IpAddress addressV4,
    IpAddress addressV6, String namespace) {

  /** The node's own address in {@code family}. */
  public IpAddress address(Family family) {
    return family == Family.V4 ? addressV4 : addressV6;
  }

  /** The pod block in {@code family}. */
  public Cidr podCidr(Family family) {
    return family == Family.V4 ? podCidrV4 : podCidrV6;
  }

  /** The pods' default gateway in {@code family}: the first address after the block's network address. */
  public IpAddress gateway(Family family) {
    return podCidr(family).address().plus(1).orElseThrow();
  }
}
