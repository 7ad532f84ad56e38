package dev.netpolc.compiler.gen;

import dev.netpolc.backend.VerificationProbes;
import dev.netpolc.compiler.Connection;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
  /** Outside addresses of {@link #withIcmpAndGeneratorPorts}: inside and outside the generators' CIDRs. */
  private static final List<String> DIALECT_OUTSIDERS = List.of("8.8.8.8", "203.0.113.5", "203.0.113.200",
      "198.19.0.1", "2001:db8:ffff::1", "fd00::3");
  /** ICMP (type, code) pairs: echo request and reply, and two destination-unreachable codes. */
  private static final int[][] ICMP = {{8, 0}, {3, 1}, {0, 0}, {3, 0}};
  private static final int[][] ICMPV6 = {{128, 0}, {1, 0}, {3, 1}};
  /** The TCP ports the Calico and Cilium generators' rules name, and neighbours of their range ends. */
  private static final List<Integer> GENERATOR_PORTS = List.of(80, 53, 443, 8000, 8080, 8081, 7999, 9090, 81);

  private ConnectionProbes() {}

  /** Every probe for {@code c}, in a deterministic order: the verifier's, plus edge-case outsiders. */
  public static List<Connection> of(Cluster c) {
    return VerificationProbes.of(c, EXTERNALS.stream().map(IpAddress::parse).toList());
  }

  /**
   * {@link #of} plus, between every inventory address and a few outside ones of the same family,
   * ICMP/ICMPv6 messages of several types and codes, protocol 47, and the TCP/UDP ports the Calico
   * and Cilium generators' rules name: for dialects whose rules match those directly.
   */
  public static List<Connection> withIcmpAndGeneratorPorts(Cluster c) {
    Set<IpAddress> addresses = new LinkedHashSet<>();
    for (Pod p : c.pods()) {
      addresses.addAll(p.ips());
    }
    for (Node n : c.nodes()) {
      addresses.addAll(n.addresses());
    }
    DIALECT_OUTSIDERS.forEach(a -> addresses.add(IpAddress.parse(a)));
    List<Connection> out = new ArrayList<>(of(c));
    for (IpAddress s : addresses) {
      for (IpAddress t : addresses) {
        if (s.v6() != t.v6()) {
          continue;
        }
        for (int[] m : s.v6() ? ICMPV6 : ICMP) {
          out.add(Connection.icmp(s, t, m[0], m[1]));
        }
        out.add(new Connection(s, t, 47, 0));
        for (int port : GENERATOR_PORTS) {
          out.add(Connection.of(s, t, Protocol.TCP, port));
        }
        out.add(Connection.of(s, t, Protocol.UDP, 53));
      }
    }
    return out;
  }

  /** Only the probes {@code keep} accepts, for narrower tests. */
  public static List<Connection> of(Cluster c, Predicate<Connection> keep) {
    return of(c).stream().filter(keep).toList();
  }
}
