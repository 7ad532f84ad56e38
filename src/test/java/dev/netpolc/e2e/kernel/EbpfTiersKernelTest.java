package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
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
import dev.netpolc.kernel.KernelSupport;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hand-built tiered rule graph (the graph builder's ClusterNetworkPolicy lowering is not
 * needed: this is the IR the eBPF backend flattens) enforced by the reference datapath on one
 * node with four pods, in the PTP and BRIDGE pod networks, over TCP and UDP port 80 and both
 * families, with the node as a source and destination too. Every probe must match
 * {@link RuleGraphEvaluator} and the eBPF simulator. The graph covers:
 * <ul>
 *   <li>x/a (ingress isolated, NetworkPolicy allows TCP 80 from x/b, y/a, y/b): an Admin Deny
 *       from y/a beats the allow; an Admin Pass for y/b (before an Admin Deny of y/b) hands it
 *       to the NetworkPolicy tier, which allows TCP and, isolated, denies UDP; an Admin Deny of
 *       UDP from everyone still lets the node in (ingress from the own node, every tier);</li>
 *   <li>x/b (not isolated): a Baseline Deny of UDP from y/a and y/b, with an Admin Allow of UDP
 *       from y/b before it;</li>
 *   <li>y/a (egress isolated, NetworkPolicy allows TCP 80 to x/a and x/b): an Admin Deny of every
 *       TCP port to the node's addresses closes its own node for TCP (own-node egress skips only
 *       the NetworkPolicy tier), while UDP to the node passes although its NetworkPolicy egress
 *       allows none; the node's own connections to y/a keep working (their replies are
 *       tracked).</li>
 * </ul>
 */
@Tag("kernel")
class EbpfTiersKernelTest {
  private static final String NODE = "node0";
  private static final List<String> PODS = List.of("x/a", "x/b", "y/a", "y/b");
  private static final int PORT = 80;

  @BeforeAll
  static void kernel() {
    List<String> tools = new ArrayList<>(List.of(KernelSupport.ROOT, "ip", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft"));
    tools.addAll(List.of(EbpfDatapath.TOOLS));
    KernelSupport.assumeAvailable(tools.toArray(String[]::new));
  }

  @AfterAll
  static void unmount() {
    EbpfDatapath.closeShared();
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void tieredMapsAreEnforcedAsTheRuleGraphDecides(Topology.Mode mode) throws BackendException {
    run(mode, false);
  }

  /**
   * The same graph over six tiers ({@link #dialectGraph}): dialect tiers before Admin and after
   * Baseline, a catch-all Pass, two node-local tiers for y/a; tier bytes 3 and up in the maps;
   * every probe as before and as {@link RuleGraphEvaluator}.
   */
  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void dialectTieredMapsAreEnforcedAsTheRuleGraphDecides(Topology.Mode mode) throws BackendException {
    run(mode, true);
  }

  private static void run(Topology.Mode mode, boolean dialect) throws BackendException {
    Topology.Builder tb = Topology.builder().mode(mode).node(NODE);
    PODS.forEach(p -> tb.pod(p, NODE));
    EbpfDatapath d = EbpfDatapath.shared();
    try (Topology t = tb.build()) {
      RuleGraph graph = dialect ? dialectGraph(t) : graph(t);
      Artifact artifact = EbpfNodeArtifacts.backend().emit(graph, BackendOptions.DEFAULTS);
      if (dialect) {
        assertThat(graph.tiers()).hasSize(6);
        assertThat(artifact.files().get(dev.netpolc.backend.ebpf.MapsJson.FILE)).contains("\"tier\": \"TIER_3\"");
      }
      ConnectionDecider sim = EbpfNodeArtifacts.backend().simulator(artifact, SimulationContext.of(graph));
      RuleGraphEvaluator ref = new RuleGraphEvaluator(graph);
      Map<IpAddress, String> nodeOf = new LinkedHashMap<>();
      for (String e : endpoints()) {
        for (Family f : Family.values()) {
          nodeOf.put(t.address(e, f), NODE);
        }
      }
      EbpfNodeArtifacts maps = new EbpfNodeArtifacts(Map.of(NODE, artifact), Map.of(NODE, graph), nodeOf);
      Map<Probe, Boolean> expected = new LinkedHashMap<>();
      for (Family f : Family.values()) {
        for (Protocol proto : List.of(Protocol.TCP, Protocol.UDP)) {
          for (String from : endpoints()) {
            for (String to : endpoints()) {
              if (!from.equals(to)) {
                Connection c = Connection.of(t.address(from, f), t.address(to, f), proto, PORT);
                boolean want = ref.allows(c);
                if (dialect) {
                  assertThat(want).as("as the three-tier graph, %s", c).isEqualTo(new RuleGraphEvaluator(graph(t)).allows(c));
                }
                assertThat(sim.allows(c)).as("simulator, %s -> %s %s %s", from, to, proto, f.label()).isEqualTo(want);
                expected.put(new Probe(from, to, proto, PORT, f), want);
              }
            }
          }
        }
      }
      // The graph must show what it is meant to (a change to it that lost a case would pass silently).
      assertThat(expectedFor(expected, "y/a", "x/a", Protocol.TCP)).as("Admin Deny over x/a's allow").isFalse();
      assertThat(expectedFor(expected, "x/b", "x/a", Protocol.TCP)).as("x/a's NetworkPolicy allow").isTrue();
      assertThat(expectedFor(expected, "y/b", "x/a", Protocol.TCP)).as("Pass to the NetworkPolicy allow").isTrue();
      assertThat(expectedFor(expected, "y/b", "x/a", Protocol.UDP)).as("Pass to isolation").isFalse();
      assertThat(expectedFor(expected, NODE, "x/a", Protocol.UDP)).as("the own node under Admin Deny").isTrue();
      assertThat(expectedFor(expected, "y/a", "x/b", Protocol.UDP)).as("Baseline Deny, not isolated").isFalse();
      assertThat(expectedFor(expected, "y/b", "x/b", Protocol.UDP)).as("Admin Allow before it").isTrue();
      assertThat(expectedFor(expected, "x/a", "x/b", Protocol.UDP)).as("no rule, not isolated").isTrue();
      assertThat(expectedFor(expected, "y/a", NODE, Protocol.TCP)).as("own node egress, Admin Deny").isFalse();
      assertThat(expectedFor(expected, "y/a", NODE, Protocol.UDP)).as("own node egress, no NP tier").isTrue();
      assertThat(expectedFor(expected, "y/a", "y/b", Protocol.UDP)).as("y/a's egress isolation").isFalse();
      assertThat(expectedFor(expected, NODE, "y/a", Protocol.TCP)).as("the node to y/a, replies tracked").isTrue();

      t.startServers(List.of(PortSpec.tcp(PORT), PortSpec.udp(PORT)), true);
      try {
        maps.load(t);
        Reachability seen = KernelMatrix.probe(t, List.copyOf(expected.keySet()), expected);
        List<String> wrong = seen.mismatches(expected);
        assertThat(wrong).as("%s: kernel vs the rule graph\n%s\n%s\n%s", mode, seen.render(), graph,
            maps.listed(t)).isEmpty();
      } finally {
        d.run(t, NODE, "detach", "--pin-dir", d.pinDir(t, NODE).toString());
      }
    }
  }

  private static List<String> endpoints() {
    List<String> all = new ArrayList<>(PODS);
    all.add(NODE);
    return all;
  }

  private static boolean expectedFor(Map<Probe, Boolean> expected, String from, String to, Protocol p) {
    return expected.get(new Probe(from, to, p, PORT, Family.V4)) && expected.get(new Probe(from, to, p, PORT, Family.V6));
  }

  /** The tiered graph over the topology's addresses (see the class comment). */
  private static RuleGraph graph(Topology t) {
    RuleGraph.Builder b = RuleGraph.builder(SemanticsOptions.DEFAULTS).node(Optional.of(NODE))
        .nodeAddresses(NODE, addresses(t, NODE));
    Map<String, EndpointGroup> groups = new LinkedHashMap<>();
    for (String pod : PODS) {
      Endpoint e = new Endpoint(pod, List.of(t.address(pod, Family.V4), t.address(pod, Family.V6)), Optional.of(NODE));
      EndpointGroup g = EndpointGroup.of(List.of(e), pod.equals("x/a"), pod.equals("y/a"));
      groups.put(pod, g);
      b.addGroup(g);
    }
    PortSet tcp80 = PortSet.of(Protocol.TCP, PortRange.of(PORT));
    PortSet udp80 = PortSet.of(Protocol.UDP, PortRange.of(PORT));
    PortSet everyTcp = PortSet.of(Protocol.TCP, PortRange.ALL);
    String xa = groups.get("x/a").id();
    b.addRule(rule(Direction.INGRESS, Tier.ADMIN, 10, xa, addresses(t, "y/a"), tcp80, Action.DENY, "admin-deny-ya"));
    b.addRule(rule(Direction.INGRESS, Tier.ADMIN, 20, xa, addresses(t, "y/b"), PortSet.ALL_PROTOCOLS, Action.PASS,
        "admin-pass-yb"));
    b.addRule(rule(Direction.INGRESS, Tier.ADMIN, 30, xa, addresses(t, "y/b"), PortSet.ALL_PROTOCOLS, Action.DENY,
        "admin-deny-yb"));
    b.addRule(rule(Direction.INGRESS, Tier.ADMIN, 40, xa, AddressSet.ALL, udp80, Action.DENY, "admin-deny-udp"));
    b.addRule(rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, xa,
        addresses(t, "x/b").union(addresses(t, "y/a")).union(addresses(t, "y/b")), tcp80, Action.ALLOW, "np-xa"));
    String xb = groups.get("x/b").id();
    b.addRule(rule(Direction.INGRESS, Tier.ADMIN, 5, xb, addresses(t, "y/b"), udp80, Action.ALLOW, "admin-allow-yb"));
    b.addRule(rule(Direction.INGRESS, Tier.BASELINE, 0, xb, addresses(t, "y/a").union(addresses(t, "y/b")), udp80,
        Action.DENY, "baseline-deny-udp"));
    String ya = groups.get("y/a").id();
    b.addRule(rule(Direction.EGRESS, Tier.ADMIN, 5, ya, addresses(t, NODE), everyTcp, Action.DENY, "admin-deny-node"));
    b.addRule(rule(Direction.EGRESS, Tier.NETWORK_POLICY, 0, ya, addresses(t, "x/a").union(addresses(t, "x/b")),
        tcp80, Action.ALLOW, "np-ya"));
    return b.build();
  }

  /**
   * {@link #graph} over six tiers, deciding alike: x/a's Admin rules in a security tier before
   * Admin that ends in a catch-all Pass; x/b's Admin Allow in a platform tier and its Baseline
   * Deny in a tier after Baseline; y/a's Admin Deny of the node in security, then a platform Pass
   * of UDP to the node (its own node goes through both tiers' node-local lookups).
   */
  private static RuleGraph dialectGraph(Topology t) {
    Tier security = Tier.ordered(100, "security");
    Tier platform = Tier.ordered(500, "platform");
    Tier last = Tier.ordered(10_000_000, "kube-baseline");
    RuleGraph base = graph(t);
    RuleGraph.Builder b = base.toBuilderWithoutRules();
    String xa = base.groupOfPod("x/a").orElseThrow().id();
    String xb = base.groupOfPod("x/b").orElseThrow().id();
    String ya = base.groupOfPod("y/a").orElseThrow().id();
    for (Rule r : base.rules()) {
      Tier to = r.tier();
      if (r.tier().equals(Tier.ADMIN)) {
        to = r.subject().equals(xb) ? platform : security;
      } else if (r.tier().equals(Tier.BASELINE)) {
        to = last;
      }
      b.addRule(new Rule(r.direction(), to, r.priority(), r.subject(), r.peers(), r.ports(), r.action(), r.origins()));
    }
    b.addRule(rule(Direction.INGRESS, security, 99, xa, AddressSet.ALL, PortSet.ALL_PROTOCOLS, Action.PASS,
        "security-end"));
    b.addRule(rule(Direction.EGRESS, platform, 0, ya, addresses(t, NODE), PortSet.of(Protocol.UDP, PortRange.of(PORT)),
        Action.PASS, "platform-node-udp"));
    return b.build();
  }

  private static AddressSet addresses(Topology t, String endpoint) {
    return AddressSet.ofAddresses(List.of(t.address(endpoint, Family.V4), t.address(endpoint, Family.V6)));
  }

  private static Rule rule(Direction d, Tier tier, int priority, String group, AddressSet peers, PortSet ports,
      Action action, String policy) {
    return new Rule(d, tier, priority, group, peers, ports, action,
        List.of(new Origin("tiers/" + policy, d, 0, SourcePosition.UNKNOWN)));
  }
}
