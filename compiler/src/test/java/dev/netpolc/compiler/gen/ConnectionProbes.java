package dev.netpolc.compiler.gen;

import dev.netpolc.backend.VerificationProbes;
import dev.netpolc.compiler.Connection;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * The connections to probe on a cluster: between every pair of inventory addresses (all pods,
 * whatever their state, and nodes), and between those and the interesting outside addresses
 * (every ipBlock edge and its neighbours, fixed externals, an IPv4-mapped IPv6 address), over
 * TCP/UDP/SCTP at every port the cluster mentions (plus neighbours of range ends and one
 * unrelated port) and ICMP/ICMPv6.
 */
public final class ConnectionProbes {
  private static final List<String> EXTERNALS = List.of("8.8.8.8", "203.0.113.250", "198.19.255.255",
      "2001:db8:ffff::1", "::ffff:198.18.0.1", "fd00::ffff");

  private ConnectionProbes() {}

  /** Every probe for {@code c}, in a deterministic order: the verifier's, plus edge-case outsiders. */
  public static List<Connection> of(Cluster c) {
    return VerificationProbes.of(c, EXTERNALS.stream().map(IpAddress::parse).toList());
  }

  /** Only the probes {@code keep} accepts, for narrower tests. */
  public static List<Connection> of(Cluster c, Predicate<Connection> keep) {
    return of(c).stream().filter(keep).toList();
  }
}
