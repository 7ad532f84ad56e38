package dev.netpolc.backend;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.Connection;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The connections {@link Verifier} checks on a cluster: between every two inventory addresses
 * (every pod address, whatever the pod's state, and every node address) of one family, and
 * between those and sample outside addresses (both ends and both neighbours of every
 * {@code ipBlock} CIDR and {@code except}, plus a few fixed externals), in both directions; on
 * TCP, UDP and SCTP at every port a container declares or a policy names (with the neighbours
 * of each port and range end, and ports 1, 33333 and 65535), and on ICMP / ICMPv6.
 *
 * <pre>{@code
 * for (Connection c : VerificationProbes.of(cluster)) { ... }
 * }</pre>
 */
public final class VerificationProbes {
  private static final List<String> EXTERNALS = List.of("8.8.8.8", "203.0.113.77", "2001:4860:4860::8888",
      "fd99::1");

  private VerificationProbes() {}

  /** Every probe for {@code cluster}, in a deterministic order. */
  public static ImmutableList<Connection> of(Cluster cluster) {
    return of(cluster, List.of());
  }

  /** Every probe for {@code cluster}, with {@code extraOutside} among the outside addresses. */
  public static ImmutableList<Connection> of(Cluster cluster, java.util.Collection<IpAddress> extraOutside) {
    Plan plan = plan(cluster, extraOutside);
    ImmutableList.Builder<Connection> out = ImmutableList.builder();
    for (IpAddress s : plan.inventory()) {
      for (IpAddress t : plan.inventory()) {
        addAll(out, s, t, plan.ports());
      }
      for (IpAddress t : plan.outside()) {
        addAll(out, s, t, plan.ports());
        addAll(out, t, s, plan.ports());
      }
    }
    return out.build();
  }

  /**
   * How many probes {@link #of(Cluster)} returns, counted without building them: what a caller
   * checks against a budget first, since the probes grow with the square of the inventory.
   */
  public static long count(Cluster cluster) {
    Plan plan = plan(cluster, List.of());
    long[] inside = new long[2];
    long[] outside = new long[2];
    plan.inventory().forEach(a -> inside[a.v6() ? 1 : 0]++);
    plan.outside().forEach(a -> outside[a.v6() ? 1 : 0]++);
    long perPair = 1 + (long) Protocol.values().length * plan.ports().size();
    long pairs = 0;
    for (int f = 0; f < 2; f++) {
      pairs += inside[f] * inside[f] + 2 * inside[f] * outside[f];
    }
    return pairs * perPair;
  }

  /** The addresses and ports the probes combine. */
  private record Plan(TreeSet<IpAddress> inventory, TreeSet<IpAddress> outside, TreeSet<Integer> ports) {}

  private static Plan plan(Cluster cluster, java.util.Collection<IpAddress> extraOutside) {
    TreeSet<IpAddress> inventory = new TreeSet<>();
    for (Pod p : cluster.pods()) {
      inventory.addAll(p.ips());
    }
    for (Node n : cluster.nodes()) {
      inventory.addAll(n.addresses());
    }
    TreeSet<IpAddress> outside = new TreeSet<>();
    EXTERNALS.forEach(s -> outside.add(IpAddress.parse(s)));
    outside.addAll(extraOutside);
    TreeSet<Integer> ports = new TreeSet<>(List.of(1, 33333, 65535));
    for (Pod p : cluster.pods()) {
      for (ContainerPort cp : p.allPorts()) {
        ports.add(cp.containerPort());
      }
    }
    for (NetworkPolicy np : cluster.policies()) {
      for (List<PolicyRule> rules : List.of(np.ingress(), np.egress())) {
        for (PolicyRule r : rules) {
          for (Peer peer : r.peers()) {
            peer.ipBlock().ifPresent(b -> {
              edges(b.cidr(), outside);
              b.except().forEach(e -> edges(e, outside));
            });
          }
          for (PolicyPort pp : r.ports()) {
            pp.port().filter(v -> !v.isNamed()).ifPresent(v -> {
              int end = pp.endPort().orElse(v.number());
              for (int p : new int[] {v.number() - 1, v.number(), end, end + 1}) {
                if (p >= 1 && p <= 65535) {
                  ports.add(p);
                }
              }
            });
          }
        }
      }
    }
    for (ClusterNetworkPolicy cnp : cluster.tieredPolicies()) {
      for (List<ClusterPolicyRule> rules : List.of(cnp.ingress(), cnp.egress())) {
        for (ClusterPolicyRule r : rules) {
          for (ClusterPolicyPeer peer : r.peers()) {
            peer.networks().ifPresent(nets -> nets.forEach(n -> edges(n, outside)));
          }
          for (ClusterPolicyProtocol proto : r.protocols().orElse(List.of())) {
            proto.tcp().or(proto::udp).or(proto::sctp).ifPresent(dp -> {
              dp.number().ifPresent(n -> addPortEdges(ports, n, n));
              dp.range().ifPresent(rg -> addPortEdges(ports, rg.start(), rg.end()));
            });
          }
        }
      }
    }
    outside.removeAll(inventory);
    return new Plan(inventory, outside, ports);
  }

  /** A port range's ends and their outer neighbours. */
  private static void addPortEdges(TreeSet<Integer> ports, int start, int end) {
    for (int p : new int[] {start - 1, start, end, end + 1}) {
      if (p >= 1 && p <= 65535) {
        ports.add(p);
      }
    }
  }

  /** Both ends of a CIDR and the addresses just outside it. */
  private static void edges(String text, TreeSet<IpAddress> out) {
    Optional<Cidr> parsed = Cidr.parse(text).map(Cidr.Parsed::cidr);
    if (parsed.isEmpty()) {
      return; // unvalidated input: nothing to sample
    }
    Cidr cidr = parsed.get();
    out.add(cidr.first());
    out.add(cidr.last());
    cidr.first().previous().ifPresent(out::add);
    cidr.last().next().ifPresent(out::add);
  }

  private static void addAll(ImmutableList.Builder<Connection> out, IpAddress s, IpAddress t, TreeSet<Integer> ports) {
    if (s.v6() != t.v6()) {
      return;
    }
    out.add(new Connection(s, t, s.v6() ? Protocol.ICMPV6 : Protocol.ICMP, 0));
    for (Protocol p : Protocol.values()) {
      for (int port : ports) {
        out.add(Connection.of(s, t, p, port));
      }
    }
  }
}
