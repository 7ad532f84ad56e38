package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Probe;
import dev.netpolc.kernel.Reachability;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A hand-built tiered {@link RuleGraph} on one small two-node topology, for the backends'
 * real-kernel tier tests: pods x/web-a, x/client-a, y/db-a on node n1 and x/web-b, x/client-b
 * on n2; every pod and node probed against every other on TCP and UDP 80 and 81, IPv4 and IPv6,
 * in one batched round; the kernel must agree with {@link RuleGraphEvaluator} on the
 * cluster-wide graph (which decides every connection; each node enforces its restriction).
 *
 * <ul>
 *   <li>web (isolated both ways): an Admin Deny of client-b (all ports) overrides the
 *       NetworkPolicy allow of clients on 80; an Admin Pass of db on 81 hands over to the
 *       NetworkPolicy tier (which allows UDP 81 only) before an Admin Allow of db; an Admin Deny
 *       of both nodes' addresses on TCP 80 (the guard) closes even web-a's own node, whose
 *       other ports stay open (exempt from the NetworkPolicy egress isolation);</li>
 *   <li>client (not isolated): a Baseline Deny of db on 81, an Admin Pass of db on TCP 80;</li>
 *   <li>db (not isolated): an Admin Deny of node addresses on TCP 81 and a Baseline Deny of
 *       them on UDP 80 (its own node included); a Baseline Deny of clients on UDP 80 at ingress.</li>
 * </ul>
 * web-a to client-b succeeds although client-b is denied into web: the reply is established.
 */
final class TieredKernelScenario {
  static final List<String> NODES = List.of("n1", "n2");
  static final List<PortSpec> PORTS = List.of(PortSpec.tcp(80), PortSpec.tcp(81), PortSpec.udp(80), PortSpec.udp(81));
  private static final Map<String, String> PODS = new LinkedHashMap<>();

  static {
    PODS.put("x/web-a", "n1");
    PODS.put("x/client-a", "n1");
    PODS.put("y/db-a", "n1");
    PODS.put("x/web-b", "n2");
    PODS.put("x/client-b", "n2");
  }

  private TieredKernelScenario() {}

  /** The topology in {@code mode}: two nodes with their default pod blocks, five pods. */
  static Topology build(Topology.Mode mode) {
    Topology.Builder b = Topology.builder().mode(mode);
    NODES.forEach(b::node);
    PODS.forEach(b::pod);
    return b.build();
  }

  /** The cluster-wide graph over the topology's addresses. */
  static RuleGraph clusterGraph(Topology t) {
    Function<String, Endpoint> ep = pod -> new Endpoint(pod, List.of(t.address(pod, Family.V4),
        t.address(pod, Family.V6)), Optional.of(PODS.get(pod)));
    EndpointGroup web = EndpointGroup.of(List.of(ep.apply("x/web-a"), ep.apply("x/web-b")), true, true);
    EndpointGroup client = EndpointGroup.of(List.of(ep.apply("x/client-a"), ep.apply("x/client-b")), false, false);
    EndpointGroup db = EndpointGroup.of(List.of(ep.apply("y/db-a")), false, false);
    List<IpAddress> nodeIps = new ArrayList<>();
    RuleGraph.Builder b = RuleGraph.builder(SemanticsOptions.DEFAULTS);
    for (String n : NODES) {
      List<IpAddress> own = List.of(t.address(n, Family.V4), t.address(n, Family.V6));
      nodeIps.addAll(own);
      b.nodeAddresses(n, AddressSet.ofAddresses(own));
    }
    AddressSet nodes = AddressSet.ofAddresses(nodeIps);
    AddressSet clientB = AddressSet.ofAddresses(ep.apply("x/client-b").ips());
    PortSet tcp80 = PortSet.of(Protocol.TCP, PortRange.of(80));
    PortSet tcp81 = PortSet.of(Protocol.TCP, PortRange.of(81));
    PortSet udp80 = PortSet.of(Protocol.UDP, PortRange.of(80));
    PortSet udp81 = PortSet.of(Protocol.UDP, PortRange.of(81));
    PortSet both81 = PortSet.of(Map.of(6, List.of(PortRange.of(81)), 17, List.of(PortRange.of(81))));
    PortSet both80 = PortSet.of(Map.of(6, List.of(PortRange.of(80)), 17, List.of(PortRange.of(80))));
    b.addGroup(web).addGroup(client).addGroup(db)
        .addRule(rule(Direction.INGRESS, Tier.ADMIN, 10, web, clientB, PortSet.ALL_PROTOCOLS, Action.DENY,
            "block-client-b", 0))
        .addRule(rule(Direction.INGRESS, Tier.ADMIN, 20, web, db.addresses(), both81, Action.PASS, "delegate-db", 0))
        .addRule(rule(Direction.INGRESS, Tier.ADMIN, 30, web, db.addresses(), PortSet.ALL_PROTOCOLS, Action.ALLOW,
            "admit-db", 0))
        .addRule(rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web, client.addresses(), both80, Action.ALLOW,
            "x/web-from-clients", 0))
        .addRule(rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web, db.addresses(), udp81, Action.ALLOW,
            "x/web-from-db", 0))
        .addRule(rule(Direction.EGRESS, Tier.ADMIN, 5, web, nodes, tcp80, Action.DENY, "node-guard", 0))
        .addRule(rule(Direction.EGRESS, Tier.NETWORK_POLICY, 0, web, client.addresses(), PortSet.ALL_PROTOCOLS,
            Action.ALLOW, "x/web-to-clients", 0))
        .addRule(rule(Direction.EGRESS, Tier.NETWORK_POLICY, 0, web, db.addresses(), tcp80, Action.ALLOW,
            "x/web-to-db", 0))
        .addRule(rule(Direction.EGRESS, Tier.ADMIN, 0, client, db.addresses(), tcp80, Action.PASS, "delegate-db", 1))
        .addRule(rule(Direction.EGRESS, Tier.BASELINE, 0, client, db.addresses(), both81, Action.DENY, "default", 0))
        .addRule(rule(Direction.EGRESS, Tier.ADMIN, 0, db, nodes, tcp81, Action.DENY, "node-guard", 1))
        .addRule(rule(Direction.EGRESS, Tier.BASELINE, 0, db, nodes, udp80, Action.DENY, "default", 1))
        .addRule(rule(Direction.INGRESS, Tier.BASELINE, 0, db, client.addresses(), udp80, Action.DENY, "default", 2));
    return b.build();
  }

  /** The first dialect tier of {@link #multiTierClusterGraph}: before Admin. */
  static final Tier SECURITY = Tier.ordered(100, "security");
  /** The second dialect tier of {@link #multiTierClusterGraph}: before Admin. */
  static final Tier PLATFORM = Tier.ordered(500, "platform");
  /** The third dialect tier of {@link #multiTierClusterGraph}: after Baseline. */
  static final Tier LAST = Tier.ordered(10_000_000, "kube-baseline");

  /**
   * {@link #clusterGraph} spread over three more tiers, deciding every connection as it does:
   * web's Admin Deny of client-b and its egress node guard move to a security tier before Admin
   * that ends in a catch-all Pass; web's egress gets a platform tier (a Pass of db on TCP 80,
   * then on to NetworkPolicy as before), so a pod's own node goes through two node-local copies;
   * db's Baseline ingress Deny moves to a tier after Baseline.
   */
  static RuleGraph multiTierClusterGraph(Topology t) {
    RuleGraph base = clusterGraph(t);
    RuleGraph.Builder b = base.toBuilderWithoutRules();
    EndpointGroup web = null;
    EndpointGroup db = null;
    for (EndpointGroup g : base.groups()) {
      web = g.id().equals("x/web-a") ? g : web;
      db = g.id().equals("y/db-a") ? g : db;
    }
    for (Rule r : base.rules()) {
      String policy = r.origins().get(0).policy();
      Tier to = r.tier();
      if (r.subject().equals(web.id()) && (policy.equals("block-client-b") || policy.equals("node-guard"))) {
        to = SECURITY;
      } else if (r.subject().equals(db.id()) && r.direction() == Direction.INGRESS && r.tier().equals(Tier.BASELINE)) {
        to = LAST;
      }
      b.addRule(new Rule(r.direction(), to, r.priority(), r.subject(), r.peers(), r.ports(), r.action(), r.origins()));
    }
    for (Direction d : Direction.values()) {
      b.addRule(rule(d, SECURITY, 99, web, AddressSet.ALL, PortSet.ALL_PROTOCOLS, Action.PASS, "security-end", 0));
    }
    b.addRule(rule(Direction.EGRESS, PLATFORM, 0, web, db.addresses(), PortSet.of(Protocol.TCP, PortRange.of(80)),
        Action.PASS, "platform-db", 0));
    return b.build();
  }

  private static Rule rule(Direction d, Tier tier, int priority, EndpointGroup g, AddressSet peers, PortSet ports,
      Action action, String policy, int index) {
    return new Rule(d, tier, priority, g.id(), peers, ports, action,
        List.of(new Origin(policy, d, index, SourcePosition.UNKNOWN)));
  }

  /** Node → the graph it enforces. */
  static Map<String, RuleGraph> nodeGraphs(RuleGraph cluster) {
    Map<String, RuleGraph> out = new LinkedHashMap<>();
    NODES.forEach(n -> out.put(n, TieredGraphGen.restrict(cluster, n)));
    return out;
  }

  /** Address → node, for composing the nodes' simulators. */
  static Map<IpAddress, String> nodeOf(Topology t) {
    Map<IpAddress, String> out = new LinkedHashMap<>();
    PODS.forEach((pod, node) -> {
      out.put(t.address(pod, Family.V4), node);
      out.put(t.address(pod, Family.V6), node);
    });
    for (String n : NODES) {
      out.put(t.address(n, Family.V4), n);
      out.put(t.address(n, Family.V6), n);
    }
    return out;
  }

  /** Every ordered pair of distinct endpoints (pods and nodes), each port, both families. */
  static List<Probe> probes(Topology t) {
    List<String> all = new ArrayList<>(PODS.keySet());
    all.addAll(NODES);
    return Probe.matrix(all, all, PORTS, List.of(Family.V4, Family.V6)).stream()
        .filter(p -> !p.from().equals(p.to())).toList();
  }

  static Connection connection(Topology t, Probe p) {
    return Connection.of(t.address(p.from(), p.family()), t.address(p.to(), p.family()), p.protocol(), p.port());
  }

  /** What {@code decider} says of every probe. */
  static Map<Probe, Boolean> decide(Topology t, List<Probe> probes, ConnectionDecider decider) {
    Map<Probe, Boolean> out = new LinkedHashMap<>();
    probes.forEach(p -> out.put(p, decider.allows(connection(t, p))));
    return out;
  }

  /** The cases the scenario is built for, so that the expectation itself is checked. */
  static void checkTheScenario(Map<Probe, Boolean> expected) {
    for (Family f : List.of(Family.V4, Family.V6)) {
      // Admin Deny over an isolated group's NetworkPolicy allow.
      assertThat(expected.get(probe("x/client-a", "x/web-a", PortSpec.tcp(80), f))).isTrue();
      assertThat(expected.get(probe("x/client-b", "x/web-a", PortSpec.tcp(80), f))).isFalse();
      // The reply of web-a -> client-b comes from a source web denies.
      assertThat(expected.get(probe("x/web-a", "x/client-b", PortSpec.tcp(80), f))).isTrue();
      // Pass to the NetworkPolicy tier: it decides (denies TCP, allows UDP), the later Admin Allow does not.
      assertThat(expected.get(probe("y/db-a", "x/web-b", PortSpec.tcp(81), f))).isFalse();
      assertThat(expected.get(probe("y/db-a", "x/web-b", PortSpec.udp(81), f))).isTrue();
      assertThat(expected.get(probe("y/db-a", "x/web-a", PortSpec.tcp(80), f))).isTrue();
      // Baseline Deny of a non-isolated pod (egress of clients, ingress of db).
      assertThat(expected.get(probe("x/client-a", "y/db-a", PortSpec.tcp(81), f))).isFalse();
      assertThat(expected.get(probe("x/client-b", "y/db-a", PortSpec.tcp(80), f))).isTrue();
      assertThat(expected.get(probe("x/client-a", "y/db-a", PortSpec.udp(80), f))).isFalse();
      // A pod to its own node: Admin and Baseline apply, the NetworkPolicy isolation does not.
      assertThat(expected.get(probe("x/web-a", "n1", PortSpec.tcp(80), f))).isFalse();
      assertThat(expected.get(probe("x/web-a", "n1", PortSpec.tcp(81), f))).isTrue();
      assertThat(expected.get(probe("x/web-a", "n2", PortSpec.tcp(81), f))).isFalse();
      assertThat(expected.get(probe("y/db-a", "n1", PortSpec.tcp(81), f))).isFalse();
      assertThat(expected.get(probe("y/db-a", "n1", PortSpec.udp(80), f))).isFalse();
      assertThat(expected.get(probe("y/db-a", "n1", PortSpec.tcp(80), f))).isTrue();
      // The node to its own pods: always; another node: their ingress decides.
      assertThat(expected.get(probe("n1", "x/web-a", PortSpec.tcp(81), f))).isTrue();
      assertThat(expected.get(probe("n2", "x/web-a", PortSpec.tcp(81), f))).isFalse();
    }
  }

  private static Probe probe(String from, String to, PortSpec port, Family f) {
    return Probe.of(from, to, port, f);
  }

  /** Prints the observed matrix and what the kernel held when they differ. */
  static void assertKernelAgrees(Topology t, Reachability seen, Map<Probe, Boolean> expected, NodeArtifacts a,
      String what) {
    List<String> mismatches = seen.mismatches(expected);
    if (!mismatches.isEmpty()) {
      assertThat(mismatches).as("kernel (%s) vs RuleGraphEvaluator%nobserved:%n%s%n%s", what, seen.render(),
          a.listed(t)).isEmpty();
    }
  }
}
