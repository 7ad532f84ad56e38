package dev.netpolc.compiler.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pieces of the Calico lowering that are easy to get wrong, each against the reference. */
class CalicoRulesTest {
  private static final String PODS = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: a}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: a, labels: {app: web}}
      spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
      status: {phase: Running, podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api, namespace: a, labels: {app: api}}
      spec: {containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]}
      status: {phase: Running, podIPs: [{ip: 10.0.0.2}, {ip: "fd00::2"}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: free, namespace: a, labels: {app: free}}
      spec: {containers: [{name: c}]}
      status: {phase: Running, podIPs: [{ip: 10.0.0.3}, {ip: "fd00::3"}]}
      """;

  private static Cluster read(String policies) {
    ReadResult r = new PolicyReader().readString("c.yaml", PODS + "---\n" + policies);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  private static RuleGraph compile(Cluster c) {
    return new Compiler().compile(c, CompileOptions.DEFAULTS.withoutPasses()).graph();
  }

  private static String group(RuleGraph g, String pod) {
    return g.groupOfPod(pod).orElseThrow().id();
  }

  private static Connection tcp(String from, String to, int port) {
    return Connection.of(IpAddress.parse(from), IpAddress.parse(to), Protocol.TCP, port);
  }

  private static void agree(Cluster c, List<Connection> probes) {
    ReferenceEvaluator ref = new ReferenceEvaluator(c);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(compile(c));
    for (Connection conn : probes) {
      assertThat(ir.allows(conn)).as(conn.toString()).isEqualTo(ref.allows(conn));
    }
  }

  @Test
  void theEndOfTierCatchAllIsOnlyWhereAPolicyApplies() {
    Cluster c = read("""
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: web-in, namespace: a}
        spec:
          selector: app == 'web'
          ingress: [{action: Allow, protocol: TCP, destination: {ports: [80]}}]
        """);
    RuleGraph g = compile(c);
    List<Rule> web = g.rules(group(g, "a/web"), Direction.INGRESS);
    assertThat(web).extracting(Rule::action).containsExactly(Action.ALLOW, Action.DENY);
    assertThat(web.get(1).tier().name()).isEqualTo("default");
    assertThat(g.rules(group(g, "a/web"), Direction.EGRESS)).isEmpty();
    assertThat(g.rules(group(g, "a/api"), Direction.INGRESS)).isEmpty();
    assertThat(g.groups()).allSatisfy(gr -> assertThat(gr.ingressIsolated() || gr.egressIsolated()).isFalse());
    agree(c, List.of(tcp("10.0.0.2", "10.0.0.1", 80), tcp("10.0.0.2", "10.0.0.1", 81),
        tcp("10.0.0.1", "10.0.0.2", 81)));
  }

  @Test
  void passGoesOnToTheNextTierAndATierWithPassDefaultEndsInPass() {
    Cluster c = read("""
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: sec}
        spec: {order: 100, defaultAction: Pass}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.guard}
        spec:
          tier: sec
          selector: all()
          ingress:
          - {action: Pass, source: {selector: app == 'api'}}
          - {action: Deny, source: {nets: [10.0.0.0/24]}}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: allow-api, namespace: a}
        spec:
          selector: app == 'web'
          ingress: [{action: Allow, source: {selector: app == 'api'}}]
        """);
    RuleGraph g = compile(c);
    List<Rule> web = g.rules(group(g, "a/web"), Direction.INGRESS);
    assertThat(web).extracting(r -> r.tier().name() + " " + r.action()).containsExactly("sec PASS", "sec DENY",
        "sec PASS", "default ALLOW", "default DENY");
    agree(c, List.of(tcp("10.0.0.2", "10.0.0.1", 80), tcp("10.0.0.3", "10.0.0.1", 80),
        tcp("10.0.0.2", "10.0.0.3", 80), tcp("10.0.0.1", "10.0.0.3", 80)));
  }

  @Test
  void notNetsAndIpVersionRestrictThePeers() {
    Cluster c = read("""
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: web-in, namespace: a}
        spec:
          selector: app == 'web'
          ingress:
          - {action: Allow, ipVersion: 6, source: {notNets: ["fd00::3/128"]}}
          - {action: Allow, source: {nets: [10.0.0.0/24], notNets: [10.0.0.3/32]}}
        """);
    agree(c, List.of(tcp("10.0.0.2", "10.0.0.1", 80), tcp("10.0.0.3", "10.0.0.1", 80),
        tcp("fd00::2", "fd00::1", 80), tcp("fd00::3", "fd00::1", 80), tcp("8.8.8.8", "10.0.0.1", 80),
        tcp("2001:db8::1", "fd00::1", 80)));
  }

  @Test
  void udpLiteIsMatchedAsAWholeProtocol() {
    Cluster c = read("""
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: web-in, namespace: a}
        spec:
          selector: app == 'web'
          ingress: [{action: Allow, protocol: UDPLite}]
        """);
    IpAddress api = IpAddress.parse("10.0.0.2");
    IpAddress web = IpAddress.parse("10.0.0.1");
    List<Connection> probes = List.of(new Connection(api, web, 136, 0), new Connection(api, web, 47, 0),
        Connection.of(api, web, Protocol.UDP, 5000));
    agree(c, probes);
    assertThat(new RuleGraphEvaluator(compile(c)).allows(probes.get(0))).isTrue();
    assertThat(new RuleGraphEvaluator(compile(c)).allows(probes.get(1))).isFalse();
    assertThat(new RuleGraphEvaluator(compile(c)).allows(probes.get(2))).isFalse();
  }

  @Test
  void namedPortsResolveOnTheDestinationAndSplitGroups() {
    Cluster c = read("""
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: http-only}
        spec:
          selector: has(app)
          ingress: [{action: Allow, protocol: TCP, destination: {ports: [http]}}]
          egress: [{action: Allow, protocol: TCP, destination: {ports: [http]}}]
        """);
    RuleGraph g = compile(c);
    // web and api resolve "http" to different ports: one group each.
    assertThat(group(g, "a/web")).isNotEqualTo(group(g, "a/api"));
    agree(c, List.of(tcp("10.0.0.2", "10.0.0.1", 8080), tcp("10.0.0.2", "10.0.0.1", 9090),
        tcp("10.0.0.1", "10.0.0.2", 9090), tcp("10.0.0.1", "10.0.0.2", 8080), tcp("10.0.0.1", "10.0.0.3", 8080),
        tcp("10.0.0.1", "8.8.8.8", 8080)));
  }

  @Test
  void aSubjectSideConstraintSplitsGroupsAndFamilies() {
    Cluster c = read("""
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: in, namespace: a}
        spec:
          selector: all()
          ingress:
          - {action: Deny, destination: {selector: app == 'web'}}
          - {action: Allow, destination: {nets: ["fd00::/64"]}}
        """);
    RuleGraph g = compile(c);
    assertThat(group(g, "a/web")).isNotEqualTo(group(g, "a/api"));
    agree(c, List.of(tcp("10.0.0.2", "10.0.0.1", 80), tcp("fd00::2", "fd00::1", 80), tcp("10.0.0.1", "10.0.0.2", 80),
        tcp("fd00::1", "fd00::2", 80), tcp("fd00::1", "fd00::3", 80)));
  }

  @Test
  void logRulesBecomeLogRulesThatLogAndContinue() {
    Cluster c = read("""
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: audit, namespace: a}
        spec:
          selector: app == 'web'
          ingress:
          - {action: Log, protocol: TCP, destination: {ports: [80]}}
          - {action: Allow, source: {selector: app == 'api'}}
        """);
    RuleGraph g = compile(c);
    assertThat(g.rules(group(g, "a/web"), Direction.INGRESS)).extracting(Rule::action)
        .containsExactly(Action.LOG, Action.ALLOW, Action.DENY);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
    RuleGraphEvaluator.Trace logged = ir.trace(tcp("10.0.0.3", "10.0.0.1", 80));
    assertThat(logged.allowed()).isFalse();
    assertThat(logged.loggedOrigins()).singleElement().hasToString("NetworkPolicy/a/audit ingress[0]");
    RuleGraphEvaluator.Trace allowed = ir.trace(tcp("10.0.0.2", "10.0.0.1", 81));
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.logged()).isEmpty();
    agree(c, List.of(tcp("10.0.0.3", "10.0.0.1", 80), tcp("10.0.0.2", "10.0.0.1", 80), tcp("10.0.0.2", "10.0.0.1", 81)));
  }

  @Test
  void tierNamesTheGraphRefusesAreMappedDeterministically() {
    assertThat(CalicoRules.graphTierName("security")).isEqualTo("security");
    assertThat(CalicoRules.graphTierName("Sec_Ops")).isEqualTo("sec-ops");
    assertThat(CalicoRules.graphTierName("-x-")).isEqualTo("x");
    assertThat(CalicoRules.graphTierName("x".repeat(80))).hasSize(63);
  }
}
