package dev.netpolc.kernel;

import dev.netpolc.model.IpAddress;

/**
 * One simulated pod of a {@link Topology}: a network namespace with an {@code eth0} that the
 * real CNI plugin wired into its node's namespace.
 *
 * @param key       {@code namespace/name}, e.g. {@code x/a}
 * @param node      the name of the node it runs on
 * @param ipv4      its IPv4 address
 * @param ipv6      its IPv6 address
 * @param namespace the network namespace's name
 */
public record PodSpec(String key, String node, IpAddress ipv4, IpAddress ipv6, String namespace) {

  /** The pod's address in {@code family}. */
  public IpAddress address(Family family) {
    return family == Family.V4 ? ipv4 : ipv6;
  }
}
