package dev.netpolc.backend.ebpf;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.Draw;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.compiler.passes.PassManager;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.quicktheories.core.Gen;

/**
 * Random tiered rule graphs, built at the IR level (as the graph builder will lower
 * ClusterNetworkPolicies): two nodes with one or two addresses each, up to eight pods on them
 * (IPv4, IPv6 or both), up to four groups isolated or not per direction, and per group and
 * direction up to seven rules in the Admin, NetworkPolicy and Baseline tiers with random
 * priorities and Allow/Deny/Pass, whose peers overlap (pods, node addresses, CIDRs of both
 * families around them, everything) and whose ports are single ports, ranges, full ranges or
 * every protocol. Each graph is per node or cluster-wide, with random node-local options, and
 * sometimes through the default passes. Every choice shrinks towards the simplest graph.
 */
final class TieredGraphGen {
  /** Where pods live; node addresses sit outside these blocks. */
  private static final List<String> POD_V4 = List.of("10.0.0.2", "10.0.0.3", "10.0.0.9", "10.0.1.5", "10.0.0.16",
      "10.0.0.17", "10.0.1.6", "10.0.0.130");
  private static final List<String> POD_V6 = List.of("fd00::2", "fd00::3", "fd00::9", "fd00::1:5", "fd00::10",
      "fd00::11", "fd00::1:6", "fd00::82");
  private static final List<List<String>> NODE_ADDRESSES = List.of(List.of("192.168.0.1", "fd00:ff::1"),
      List.of("192.168.0.2", "fd00:ff::2"));
  private static final List<String> CIDRS = List.of("0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/24", "10.0.0.0/28",
      "10.0.0.16/30", "10.0.1.0/24", "192.168.0.0/24", "192.168.0.0/31", "::/0", "fd00::/16", "fd00::/112",
      "fd00::10/126", "fd00:ff::/64", "203.0.113.0/24");
  private static final List<PortRange> RANGES = List.of(PortRange.of(80), PortRange.of(53), new PortRange(1, 65535),
      new PortRange(80, 90), new PortRange(1024, 65535), PortRange.of(443), new PortRange(8000, 8010),
      PortRange.of(81), new PortRange(1, 1023));
  private static final List<String> EXTERNALS = List.of("8.8.8.8", "203.0.113.7", "2001:db8::1", "fd00::ffff");

  /**
   * A graph and the connections to probe it with.
   *
   * @param graph  the rule graph
   * @param probes every interesting connection that involves an endpoint of the graph
   */
  record Case(RuleGraph graph, List<Connection> probes) {
    @Override
    public String toString() {
      return (graph.node().map(n -> "node " + n).orElse("cluster-wide")) + ", " + graph.options() + "\n" + graph;
    }
  }

  private final Draw draw;

  private TieredGraphGen(Draw draw) {
    this.draw = draw;
  }

  /** The generator. */
  static Gen<Case> cases() {
    return in -> new TieredGraphGen(Draw.of(in)).build();
  }

  /** One case from a seeded random (for coverage counts). */
  static Case sample(java.util.Random random) {
    return new TieredGraphGen(Draw.of(random)).build();
  }

  private Case build() {
    boolean clusterWide = draw.chance(40);
    SemanticsOptions options = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(!draw.chance(20))
        .withNodeLocalExemptFromAllTiers(draw.chance(20));
    RuleGraph.Builder b = RuleGraph.builder(options);
    int nodeCount = NODE_ADDRESSES.size();
    for (int n = 0; n < nodeCount; n++) {
      List<IpAddress> own = new ArrayList<>();
      for (String a : NODE_ADDRESSES.get(n)) {
        own.add(IpAddress.parse(a));
      }
      if (draw.chance(30)) {
        own.add(IpAddress.parse("192.168.1." + (n + 1))); // a second IPv4 address
      }
      b.nodeAddresses(node(n), AddressSet.ofAddresses(own));
    }
    if (!clusterWide) {
      b.node(Optional.of(node(0)));
    }
    // Pods: a per-node graph holds only the compiled node's pods, as the compiler's do.
    int podCount = draw.between(1, POD_V4.size());
    List<Endpoint> pods = new ArrayList<>();
    List<IpAddress> podAddresses = new ArrayList<>();
    for (int i = 0; i < podCount; i++) {
      int family = draw.between(0, 2); // both, IPv4, IPv6
      List<IpAddress> ips = new ArrayList<>();
      if (family != 2) {
        ips.add(IpAddress.parse(POD_V4.get(i)));
      }
      if (family != 1) {
        ips.add(IpAddress.parse(POD_V6.get(i)));
      }
      podAddresses.addAll(ips);
      int nodeIndex = clusterWide ? draw.between(0, nodeCount - 1) : 0;
      Optional<String> node = clusterWide && draw.chance(10) ? Optional.empty() : Optional.of(node(nodeIndex));
      // In a per-node graph other nodes' pods are only peers: keep every other pod out of the groups.
      if (clusterWide || i == 0 || !draw.chance(30)) {
        pods.add(new Endpoint("ns/p" + i, ips, node));
      }
    }
    int groupCount = draw.between(1, Math.min(4, pods.size()));
    List<List<Endpoint>> members = new ArrayList<>();
    for (int g = 0; g < groupCount; g++) {
      members.add(new ArrayList<>());
    }
    for (int i = 0; i < pods.size(); i++) {
      members.get(i < groupCount ? i : draw.between(0, groupCount - 1)).add(pods.get(i));
    }
    List<EndpointGroup> groups = new ArrayList<>();
    for (List<Endpoint> m : members) {
      EndpointGroup g = EndpointGroup.of(m, draw.chance(50), draw.chance(50));
      groups.add(g);
      b.addGroup(g);
    }
    int origin = 0;
    for (EndpointGroup g : groups) {
      for (Direction d : Direction.values()) {
        int rules = draw.between(0, 7);
        for (int r = 0; r < rules; r++) {
          b.addRule(rule(g.id(), d, podAddresses, origin++));
        }
      }
    }
    RuleGraph graph = b.build();
    if (draw.chance(30)) {
      graph = PassManager.defaults().run(graph).graph();
    }
    return new Case(graph, probes(graph));
  }

  private static String node(int n) {
    return "n" + (n + 1);
  }

  private Rule rule(String group, Direction d, List<IpAddress> podAddresses, int origin) {
    Tier tier = draw.pick(List.of(Tier.NETWORK_POLICY, Tier.ADMIN, Tier.BASELINE));
    int priority = tier == Tier.NETWORK_POLICY ? 0 : draw.between(0, 3);
    Action action = tier == Tier.NETWORK_POLICY && !draw.chance(15) ? Action.ALLOW
        : draw.pick(List.of(Action.ALLOW, Action.DENY, Action.PASS));
    return new Rule(d, tier, priority, group, peers(podAddresses), ports(), action,
        List.of(new Origin("ns/policy" + origin, d, 0, SourcePosition.UNKNOWN)));
  }

  private AddressSet peers(List<IpAddress> podAddresses) {
    if (draw.chance(15)) {
      return AddressSet.ALL;
    }
    List<Cidr> parts = new ArrayList<>();
    int n = draw.between(1, 3);
    for (int i = 0; i < n; i++) {
      switch (draw.between(0, 2)) {
        case 0 -> parts.add(Cidr.host(draw.pick(podAddresses)));
        case 1 -> parts.add(Cidr.host(IpAddress.parse(draw.pick(draw.pick(NODE_ADDRESSES)))));
        default -> parts.add(Cidr.of(draw.pick(CIDRS)));
      }
    }
    return AddressSet.ofCidrs(parts);
  }

  private PortSet ports() {
    if (draw.chance(30)) {
      return PortSet.ALL_PROTOCOLS;
    }
    Map<Integer, List<PortRange>> m = new TreeMap<>();
    int n = draw.between(1, 3);
    for (int i = 0; i < n; i++) {
      Protocol p = draw.pick(List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP));
      m.computeIfAbsent(p.number(), k -> new ArrayList<>()).add(draw.pick(RANGES));
    }
    return PortSet.of(m);
  }

  /**
   * Every connection between two interesting addresses of one family where one side is an
   * endpoint of the graph: endpoint and node addresses, the edges of every peer set and their
   * neighbours, and outside addresses; over TCP, UDP and SCTP at every port where a rule's range
   * starts or ends and their neighbours, and ICMP.
   */
  private static List<Connection> probes(RuleGraph g) {
    Set<IpAddress> addresses = new TreeSet<>();
    Set<IpAddress> endpoints = new TreeSet<>();
    for (EndpointGroup grp : g.groups()) {
      grp.members().forEach(e -> endpoints.addAll(e.ips()));
    }
    addresses.addAll(endpoints);
    g.nodeAddresses().values().forEach(s -> s.ranges().forEach(r -> addresses.add(r.first())));
    for (AddressSet s : g.addressSets()) {
      for (AddressRange r : s.ranges()) {
        addresses.add(r.first());
        addresses.add(r.last());
        r.first().previous().ifPresent(addresses::add);
        r.last().next().ifPresent(addresses::add);
      }
    }
    EXTERNALS.forEach(a -> addresses.add(IpAddress.parse(a)));
    Set<Integer> ports = new TreeSet<>(List.of(1, 80, 65535));
    for (dev.netpolc.compiler.ir.PortSet s : g.portSets()) {
      s.byProtocol().values().forEach(rs -> rs.forEach(r -> {
        for (int p : new int[] {r.from() - 1, r.from(), r.to(), r.to() + 1}) {
          if (p >= 1 && p <= 65535) {
            ports.add(p);
          }
        }
      }));
    }
    List<Connection> out = new ArrayList<>();
    Set<List<Object>> seen = new LinkedHashSet<>();
    for (IpAddress s : addresses) {
      for (IpAddress d : addresses) {
        if (s.v6() != d.v6() || (!endpoints.contains(s) && !endpoints.contains(d)) || !seen.add(List.of(s, d))) {
          continue;
        }
        out.add(new Connection(s, d, s.v6() ? Protocol.ICMPV6 : Protocol.ICMP, 0));
        for (Protocol p : Protocol.values()) {
          for (int port : ports) {
            out.add(Connection.of(s, d, p, port));
          }
        }
      }
    }
    return out;
  }
}
