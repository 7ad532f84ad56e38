package dev.netpolc.compiler.build;

import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.DB;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.MON;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.NAMESPACES_AND_NODES;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.NODE1;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.NODE2;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
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
import org.junit.jupiter.api.Test;

/**
 * The pieces of the Cilium lowering that are easy to get wrong, each with its expected verdicts
 * on the compiled graph (no passes, so the lowering itself is checked) and against the reference.
 */
class CiliumRulesTest {
  private static final String EXT = "8.8.8.8";

  /** shop/web and shop/db on n1, ops/mon on n2. */
  private static final String INVENTORY = NAMESPACES_AND_NODES + """
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec:
        nodeName: n1
        containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]
      status: {podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec: {nodeName: n1, containers: [{name: c}]}
      status: {podIP: 10.0.0.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: mon, namespace: ops, labels: {app: mon}}
      spec: {nodeName: n2, containers: [{name: c}]}
      status: {podIP: 10.0.1.1}
      ---
      """;

  private static Cluster read(String policies) {
    ReadResult r = new PolicyReader().readString("c.yaml", INVENTORY + policies);
    assertThat(r.errors()).as(policies).isEmpty();
    return r.cluster();
  }

  private static RuleGraph compile(Cluster c) {
    return new Compiler().compile(c, CompileOptions.DEFAULTS.withoutPasses()).graph();
  }

  private static Connection tcp(String from, String to, int port) {
    return Connection.of(IpAddress.parse(from), IpAddress.parse(to), Protocol.TCP, port);
  }

  private static Connection udp(String from, String to, int port) {
    return Connection.of(IpAddress.parse(from), IpAddress.parse(to), Protocol.UDP, port);
  }

  private static Connection ping(String from, String to) {
    return Connection.icmp(IpAddress.parse(from), IpAddress.parse(to), 8, 0);
  }

  /** Asserts the graph allows exactly {@code allowed} of {@code probes}, as the reference does. */
  private static void decides(Cluster c, List<Connection> allowed, List<Connection> denied) {
    RuleGraphEvaluator ir = new RuleGraphEvaluator(compile(c));
    ReferenceEvaluator ref = new ReferenceEvaluator(c);
    for (Connection conn : allowed) {
      assertThat(ir.allows(conn)).as("graph allows " + conn).isTrue();
      assertThat(ref.allows(conn)).as("reference allows " + conn).isTrue();
    }
    for (Connection conn : denied) {
      assertThat(ir.allows(conn)).as("graph denies " + conn).isFalse();
      assertThat(ref.allows(conn)).as("reference denies " + conn).isFalse();
    }
  }

  @Test
  void aDenyRuleWinsOverCiliumAndKubernetesAllows() {
    Cluster c = read("""
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: allow-all}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress: [{fromEntities: [all]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ops, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress: [{from: [{namespaceSelector: {matchLabels: {team: ops}}}]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: deny-ops, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingressDeny: [{fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: ops}}]}]
        """);
    decides(c, List.of(tcp(DB, WEB, 80), tcp(EXT, WEB, 80)), List.of(tcp(MON, WEB, 80), ping(MON, WEB)));
    RuleGraph g = compile(c);
    String web = g.groupOfPod("shop/web").orElseThrow().id();
    List<Rule> ingress = g.rules(web, Direction.INGRESS);
    assertThat(ingress.get(0).tier()).isEqualTo(CiliumRules.DENY_TIER);
    assertThat(ingress.get(0).action()).isEqualTo(Action.DENY);
    assertThat(ingress.stream().filter(r -> r.tier().equals(CiliumRules.ALLOW_TIER)).map(Rule::action))
        .contains(Action.ALLOW, Action.DENY);
  }

  @Test
  void denyOnlyPolicyDefaultDeniesUnlessEnableDefaultDenyIsFalse() {
    String deny = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: deny-db, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingressDeny: [{fromEndpoints: [{matchLabels: {app: db}}]}]
        """;
    decides(read(deny), List.of(), List.of(tcp(DB, WEB, 80), tcp(MON, WEB, 80), tcp(EXT, WEB, 80)));
    decides(read(deny + "  enableDefaultDeny: {ingress: false}\n"), List.of(tcp(MON, WEB, 80), tcp(EXT, WEB, 80)),
        List.of(tcp(DB, WEB, 80)));
    // Without default deny there is no catch-all, so the allow tier holds nothing.
    RuleGraph g = compile(read(deny + "  enableDefaultDeny: {ingress: false}\n"));
    assertThat(g.rules(g.groupOfPod("shop/web").orElseThrow().id(), Direction.INGRESS))
        .allMatch(r -> r.tier().equals(CiliumRules.DENY_TIER));
  }

  @Test
  void entitiesResolveAgainstTheSubjectsNode() {
    String head = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: out, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress: [{toEntities: [%s]}]
        """;
    decides(read(head.formatted("host")), List.of(tcp(WEB, NODE1, 80)),
        List.of(tcp(WEB, NODE2, 80), tcp(WEB, EXT, 80), tcp(WEB, DB, 80)));
    decides(read(head.formatted("remote-node")), List.of(tcp(WEB, NODE2, 80)),
        List.of(tcp(WEB, NODE1, 80), tcp(WEB, EXT, 80)));
    decides(read(head.formatted("world")), List.of(tcp(WEB, EXT, 80)),
        List.of(tcp(WEB, NODE1, 80), tcp(WEB, NODE2, 80), tcp(WEB, MON, 80)));
    decides(read(head.formatted("cluster")), List.of(tcp(WEB, NODE1, 80), tcp(WEB, NODE2, 80), tcp(WEB, MON, 80)),
        List.of(tcp(WEB, EXT, 80)));
    // reserved:host in an endpoint selector is the subject's node as well.
    decides(read("""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: out, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress: [{toEndpoints: [{matchLabels: {'reserved:host': ''}}]}]
        """), List.of(tcp(WEB, NODE1, 80)), List.of(tcp(WEB, NODE2, 80), tcp(WEB, DB, 80)));
  }

  @Test
  void ingressFromTheOwnNodeIsAllowedUnlessADenyRuleMatchesIt() {
    String allowDb = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: only-db, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress: [{fromEndpoints: [{matchLabels: {app: db}}]}]
        """;
    decides(read(allowDb), List.of(tcp(NODE1, WEB, 80), tcp(DB, WEB, 80)), List.of(tcp(NODE2, WEB, 80)));
    decides(read(allowDb + """
          ingressDeny: [{toPorts: [{ports: [{port: '22'}]}]}]
        """), List.of(tcp(NODE1, WEB, 80)), List.of(tcp(NODE1, WEB, 22), tcp(DB, WEB, 22)));
  }

  @Test
  void cidrSetsSubtractTheirExceptsAndCidrsNeverMatchPods() {
    decides(read("""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: out, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toCIDRSet: [{cidr: 8.8.8.0/24, except: [8.8.8.8/32]}]
          - toCIDR: [10.0.0.0/8, 192.168.0.0/16]
        """), List.of(tcp(WEB, "8.8.8.9", 443), tcp(WEB, "10.9.9.9", 443)),
        List.of(tcp(WEB, EXT, 443), tcp(WEB, DB, 443), tcp(WEB, NODE2, 443)));
  }

  @Test
  void portRangesProtocolsAndIcmp() {
    decides(read("""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: out, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toPorts: [{ports: [{port: '8000', endPort: 8080, protocol: TCP}, {port: '53', protocol: ANY}]}]
          - toEndpoints: [{matchLabels: {app: db}}]
            icmps: [{fields: [{type: EchoRequest}]}]
        """),
        List.of(tcp(WEB, EXT, 8000), tcp(WEB, EXT, 8080), udp(WEB, EXT, 53), tcp(WEB, EXT, 53), ping(WEB, DB)),
        List.of(tcp(WEB, EXT, 8081), udp(WEB, EXT, 8000), ping(WEB, EXT), tcp(WEB, DB, 80)));
  }

  @Test
  void aNamespacedPolicysSelectorsStayInItsNamespace() {
    decides(read("""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: same-ns, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {io.kubernetes.pod.namespace: ops}}
          ingress: [{fromEndpoints: [{}]}]
        """), List.of(tcp(DB, WEB, 80), tcp(WEB, DB, 80), tcp(EXT, MON, 80)),
        List.of(tcp(MON, WEB, 80), tcp(EXT, WEB, 80)));
    decides(read("""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: from-ops, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress: [{fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.team: ops}}]}]
        """), List.of(tcp(MON, WEB, 80)), List.of(tcp(DB, WEB, 80)));
    // A cluster-wide policy's {} is every pod of every namespace, never a node or the world.
    decides(read("""
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: pods}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress: [{fromEndpoints: [{}]}]
        """), List.of(tcp(DB, WEB, 80), tcp(MON, WEB, 80)), List.of(tcp(EXT, WEB, 80), tcp(NODE2, WEB, 80)));
  }

  @Test
  void namedPortsResolveOnTheDestinationPod() {
    decides(read("""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: named, namespace: shop}
        spec:
          endpointSelector: {}
          egress: [{toPorts: [{ports: [{port: http, protocol: TCP}]}]}]
          ingress: [{toPorts: [{ports: [{port: http}]}]}]
        """), List.of(tcp(DB, WEB, 8080)), List.of(tcp(DB, WEB, 80), tcp(WEB, DB, 8080), tcp(DB, EXT, 8080)));
  }
}
