package dev.netpolc.compiler.gen;

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
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
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

  /** Every probe for {@code c}, in a deterministic order. */
  public static List<Connection> of(Cluster c) {
    TreeSet<IpAddress> inventory = new TreeSet<>();
    for (Pod p : c.pods()) {
      inventory.addAll(p.ips());
    }
    for (Node n : c.nodes()) {
      inventory.addAll(n.addresses());
    }
    TreeSet<IpAddress> outside = new TreeSet<>();
    EXTERNALS.forEach(s -> outside.add(IpAddress.parse(s)));
    TreeSet<Integer> ports = new TreeSet<>(List.of(1, 12345, 65535));
    for (Pod p : c.pods()) {
      for (ContainerPort cp : p.allPorts()) {
        ports.add(cp.containerPort());
      }
    }
    for (NetworkPolicy np : c.policies()) {
      for (List<PolicyRule> rules : List.of(np.ingress(), np.egress())) {
        for (PolicyRule r : rules) {
          for (Peer peer : r.peers()) {
            peer.ipBlock().ifPresent(b -> {
              edges(Cidr.of(b.cidr()), outside);
              b.except().forEach(e -> edges(Cidr.of(e), outside));
            });
          }
          for (PolicyPort pp : r.ports()) {
            pp.port().filter(v -> !v.isNamed()).ifPresent(v -> {
              ports.add(v.number());
              if (v.number() > 1) {
                ports.add(v.number() - 1);
              }
              int end = pp.endPort().orElse(v.number());
              ports.add(end);
              if (end < 65535) {
                ports.add(end + 1);
              }
            });
          }
        }
      }
    }
    outside.removeAll(inventory);
    List<Connection> out = new ArrayList<>();
    for (IpAddress s : inventory) {
      for (IpAddress t : inventory) {
        addAll(out, s, t, ports);
      }
      for (IpAddress t : outside) {
        addAll(out, s, t, ports);
        addAll(out, t, s, ports);
      }
    }
    return out;
  }

  /** Only the probes {@code keep} accepts, for narrower tests. */
  public static List<Connection> of(Cluster c, Predicate<Connection> keep) {
    return of(c).stream().filter(keep).toList();
  }

  private static void edges(Cidr cidr, TreeSet<IpAddress> out) {
    out.add(cidr.first());
    out.add(cidr.last());
    cidr.first().previous().ifPresent(out::add);
    cidr.last().next().ifPresent(out::add);
  }

  private static void addAll(List<Connection> out, IpAddress s, IpAddress t, TreeSet<Integer> ports) {
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
