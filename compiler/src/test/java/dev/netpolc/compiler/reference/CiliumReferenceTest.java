package dev.netpolc.compiler.reference;

import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.DB;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.MON;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.NAMESPACES_AND_NODES;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.NODE1;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.NODE2;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.WEB;
import static dev.netpolc.compiler.reference.Fixtures.allows;
import static dev.netpolc.compiler.reference.Fixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.matrix.DirectionDecision;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import org.junit.jupiter.api.Test;

/**
 * The {@code cilium} profile of the reference evaluator, one behaviour of SEMANTICS-CILIUM.md per
 * test, on clusters read from YAML through {@link PolicyReader}.
 */
class CiliumReferenceTest {
  static final String EXT = "203.0.113.5";
  static final String EXT2 = "198.51.100.7";
  static final String API = "172.16.0.1";

  /** shop/web and shop/db on n1, ops/mon on n2; the API server's EndpointSlice. */
  static final String INVENTORY = NAMESPACES_AND_NODES + """
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
      addressType: IPv4
      endpoints: [{addresses: [172.16.0.1]}]
      ports: [{name: https, port: 6443, protocol: TCP}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec:
        nodeName: n1
        serviceAccountName: web-sa
        containers:
        - name: main
          image: registry.k8s.io/pause:3.10
          ports:
          - {name: http, containerPort: 8080, protocol: TCP}
      status: {podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec:
        nodeName: n1
        containers:
        - name: main
          image: registry.k8s.io/pause:3.10
          ports:
          - {name: pg, containerPort: 5432, protocol: TCP}
      status: {podIP: 10.0.0.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: mon, namespace: ops, labels: {app: mon}}
      spec:
        nodeName: n2
        containers:
        - name: main
          image: registry.k8s.io/pause:3.10
      status: {podIP: 10.0.1.1}
      ---
      """;

  static Cluster cluster(String yaml) {
    ReadResult r = new PolicyReader().readString("c.yaml", INVENTORY + yaml);
    assertThat(r.errors()).as(yaml).isEmpty();
    assertThat(r.cluster().cilium().isEmpty()).isFalse();
    return r.cluster();
  }

  /** A CiliumNetworkPolicy in shop with the given spec body (indented two). */
  static String cnp(String name, String body) {
    return "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: " + name
        + ", namespace: shop}\nspec:\n" + body + "---\n";
  }

  static final String DB_INGRESS_FROM_WEB = cnp("db-from-web", """
        endpointSelector: {matchLabels: {app: db}}
        ingress:
        - fromEndpoints: [{matchLabels: {app: web}}]
      """);

  @Test
  void anAllowRuleIsolatesItsSubjectAndAllowsItsPeers() {
    Cluster c = cluster(DB_INGRESS_FROM_WEB);
    assertThat(allows(c, tcp(WEB, DB, 5432))).isTrue();
    assertThat(allows(c, tcp(MON, DB, 5432))).isFalse();
    assertThat(allows(c, tcp(EXT, DB, 5432))).isFalse();
    // Not selected: web stays open.
    assertThat(allows(c, tcp(MON, WEB, 8080))).isTrue();
  }

  @Test
  void fromEndpointsOfANamespacedPolicyStayInItsNamespace() {
    Cluster c = cluster(cnp("db-any", """
          endpointSelector: {matchLabels: {app: db}}
          ingress:
          - fromEndpoints: [{}]
        """));
    assertThat(allows(c, tcp(WEB, DB, 5432))).isTrue();
    assertThat(allows(c, tcp(MON, DB, 5432))).isFalse();
  }

  @Test
  void aNamespaceLabelInThePeerSelectorCrossesNamespaces() {
    Cluster c = cluster(cnp("db-from-ops", """
          endpointSelector: {matchLabels: {app: db}}
          ingress:
          - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: ops}}]
        """));
    assertThat(allows(c, tcp(MON, DB, 5432))).isTrue();
    assertThat(allows(c, tcp(WEB, DB, 5432))).isFalse();
  }

  @Test
  void aDenyRuleWinsOverAnAllowOfAnotherPolicy() {
    Cluster c = cluster(DB_INGRESS_FROM_WEB + cnp("deny-web", """
          endpointSelector: {matchLabels: {app: db}}
          ingressDeny:
          - fromEndpoints: [{matchLabels: {app: web}}]
        """));
    Explanation e = new ReferenceEvaluator(c).explain(tcp(WEB, DB, 5432));
    assertThat(e.allowed()).isFalse();
    assertThat(e.ingress().decidedBy()).isEqualTo(DirectionVerdict.DecidedBy.CILIUM);
    assertThat(e.ingress().ciliumMatch().orElseThrow().policy().key())
        .isEqualTo("CiliumNetworkPolicy/shop/deny-web");
    assertThat(e.toText()).contains("denied by CiliumNetworkPolicy/shop/deny-web spec.ingressDeny[0] (Deny)");
  }

  @Test
  void aDenyRuleWinsOverAKubernetesNetworkPolicyAllow() {
    Cluster c = cluster(cnp("deny-web", """
          endpointSelector: {matchLabels: {app: db}}
          ingressDeny:
          - fromEndpoints: [{matchLabels: {app: web}}]
        """) + """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-all, namespace: shop}
        spec:
          podSelector: {}
          ingress: [{}]
        """);
    assertThat(allows(c, tcp(WEB, DB, 5432))).isFalse();
    assertThat(allows(c, tcp(MON, DB, 5432))).isTrue();
  }

  @Test
  void aDenyOnlyPolicyPutsItsSubjectInDefaultDeny() {
    Cluster c = cluster(cnp("deny-web", """
          endpointSelector: {matchLabels: {app: db}}
          ingressDeny:
          - fromEndpoints: [{matchLabels: {app: web}}]
        """));
    Explanation e = new ReferenceEvaluator(c).explain(tcp(MON, DB, 5432));
    assertThat(e.allowed()).isFalse();
    assertThat(e.toText()).contains("default deny by CiliumNetworkPolicy/shop/deny-web");
  }

  @Test
  void enableDefaultDenyFalseLeavesOtherTrafficAllowed() {
    Cluster c = cluster(cnp("deny-web", """
          endpointSelector: {matchLabels: {app: db}}
          enableDefaultDeny: {ingress: false}
          ingressDeny:
          - fromEndpoints: [{matchLabels: {app: web}}]
        """));
    assertThat(allows(c, tcp(MON, DB, 5432))).isTrue();
    assertThat(allows(c, tcp(WEB, DB, 5432))).isFalse();
  }

  @Test
  void allowsOfSeveralPoliciesAreAUnion() {
    Cluster c = cluster(DB_INGRESS_FROM_WEB + """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-from-ops, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{namespaceSelector: {matchLabels: {team: ops}}}]
        """);
    assertThat(allows(c, tcp(WEB, DB, 5432))).isTrue();
    Explanation e = new ReferenceEvaluator(c).explain(tcp(MON, DB, 5432));
    assertThat(e.allowed()).isTrue();
    assertThat(e.ingress().ciliumMatch().orElseThrow().policy().key()).isEqualTo("shop/db-from-ops");
    assertThat(allows(c, tcp(EXT, DB, 5432))).isFalse();
  }

  @Test
  void toPortsLimitsPortsAndProtocolAnyMeansTcpUdpSctp() {
    Cluster c = cluster(cnp("db-ports", """
          endpointSelector: {matchLabels: {app: db}}
          ingress:
          - toPorts:
            - ports: [{port: "5432", protocol: ANY}, {port: "7000", endPort: 7010, protocol: TCP}]
        """));
    assertThat(allows(c, tcp(EXT, DB, 5432))).isTrue();
    assertThat(allows(c, Connection.of(IpAddress.parse(MON), IpAddress.parse(DB), Protocol.UDP, 5432))).isTrue();
    assertThat(allows(c, tcp(MON, DB, 7010))).isTrue();
    assertThat(allows(c, tcp(MON, DB, 7011))).isFalse();
    assertThat(allows(c, Connection.of(IpAddress.parse(MON), IpAddress.parse(DB), Protocol.UDP, 7005))).isFalse();
    assertThat(allows(c, Connection.icmp(IpAddress.parse(MON), IpAddress.parse(DB), 8, 0))).isFalse();
  }

  @Test
  void aNamedPortResolvesOnTheDestinationPod() {
    Cluster c = cluster(cnp("db-pg", """
          endpointSelector: {matchLabels: {app: db}}
          ingress:
          - toPorts: [{ports: [{port: pg, protocol: TCP}]}]
        """));
    assertThat(allows(c, tcp(MON, DB, 5432))).isTrue();
    assertThat(allows(c, tcp(MON, DB, 5433))).isFalse();
  }

  @Test
  void aRuleWithoutL4AllowsEveryProtocolIcmpIncluded() {
    Cluster c = cluster(DB_INGRESS_FROM_WEB);
    assertThat(allows(c, Connection.icmp(IpAddress.parse(WEB), IpAddress.parse(DB), 8, 0))).isTrue();
  }

  @Test
  void icmpsMatchTypesOfTheirFamily() {
    Cluster c = cluster(cnp("db-ping", """
          endpointSelector: {matchLabels: {app: db}}
          ingress:
          - icmps: [{fields: [{type: EchoRequest}]}]
        """));
    assertThat(allows(c, Connection.icmp(IpAddress.parse(MON), IpAddress.parse(DB), 8, 0))).isTrue();
    assertThat(allows(c, Connection.icmp(IpAddress.parse(MON), IpAddress.parse(DB), 13, 0))).isFalse();
    assertThat(allows(c, tcp(MON, DB, 5432))).isFalse();
  }

  @Test
  void cidrSetExceptSubtractsAndCidrsNeverMatchPodsOrNodes() {
    Cluster c = cluster(cnp("web-out", """
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toCIDRSet: [{cidr: 0.0.0.0/0, except: [203.0.113.0/24]}]
        """));
    assertThat(allows(c, tcp(WEB, EXT2, 443))).isTrue();
    assertThat(allows(c, tcp(WEB, EXT, 443))).isFalse();
    assertThat(allows(c, tcp(WEB, MON, 443))).isFalse();
    assertThat(allows(c, tcp(WEB, NODE2, 443))).isFalse();
  }

  @Test
  void entityWorldMatchesOnlyOutsideAddresses() {
    Cluster c = cluster(cnp("web-world", """
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEntities: [world]
        """));
    assertThat(allows(c, tcp(WEB, EXT, 443))).isTrue();
    assertThat(allows(c, tcp(WEB, MON, 443))).isFalse();
    assertThat(allows(c, tcp(WEB, NODE2, 443))).isFalse();
  }

  @Test
  void entityClusterMatchesPodsAndNodes() {
    Cluster c = cluster(cnp("web-cluster", """
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEntities: [cluster]
        """));
    assertThat(allows(c, tcp(WEB, MON, 443))).isTrue();
    assertThat(allows(c, tcp(WEB, NODE2, 443))).isTrue();
    assertThat(allows(c, tcp(WEB, EXT, 443))).isFalse();
  }

  @Test
  void entitiesHostAndRemoteNodeSplitTheNodes() {
    Cluster host = cluster(cnp("web-host", """
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEntities: [host]
        """));
    assertThat(allows(host, tcp(WEB, NODE1, 10250))).isTrue();
    assertThat(allows(host, tcp(WEB, NODE2, 10250))).isFalse();
    Cluster remote = cluster(cnp("web-remote", """
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEntities: [remote-node]
        """));
    assertThat(allows(remote, tcp(WEB, NODE2, 10250))).isTrue();
    assertThat(allows(remote, tcp(WEB, NODE1, 10250))).isFalse();
  }

  @Test
  void entityKubeApiserverMatchesTheEndpointSliceAddresses() {
    Cluster c = cluster(cnp("web-api", """
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEntities: [kube-apiserver]
        """));
    assertThat(allows(c, tcp(WEB, API, 6443))).isTrue();
    assertThat(allows(c, tcp(WEB, EXT, 6443))).isFalse();
  }

  @Test
  void reservedLabelSelectorsMatchNonPodIdentities() {
    Cluster c = cluster(cnp("web-world-sel", """
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEndpoints: [{matchLabels: {"reserved:world": ""}}]
        """));
    assertThat(allows(c, tcp(WEB, EXT, 443))).isTrue();
    assertThat(allows(c, tcp(WEB, DB, 443))).isFalse();
  }

  @Test
  void ingressFromTheOwnNodeIsAllowedUnlessDenied() {
    Cluster allow = cluster(DB_INGRESS_FROM_WEB);
    assertThat(allows(allow, tcp(NODE1, DB, 5432))).isTrue();
    assertThat(allows(allow, tcp(NODE2, DB, 5432))).isFalse();
    Cluster deny = cluster(cnp("deny-host", """
          endpointSelector: {matchLabels: {app: db}}
          ingressDeny:
          - fromEntities: [host]
        """));
    assertThat(allows(deny, tcp(NODE1, DB, 5432))).isFalse();
  }

  /**
   * The explanation of the own-node exemption names Cilium's own-node allow rule as the compiled
   * rule's origin does, for ingress only: egress from a pod to its node is decided by the rules,
   * and a deny rule's denial is explained by that rule.
   */
  @Test
  void theOwnNodeExemptionIsExplainedAsCiliumsAllowRule() {
    Explanation allowed = new ReferenceEvaluator(cluster(DB_INGRESS_FROM_WEB)).explain(tcp(NODE1, DB, 5432));
    assertThat(allowed.shortcut()).isEqualTo(Explanation.Shortcut.CILIUM_OWN_NODE);
    assertThat(allowed.toText()).isEqualTo("192.168.0.1 (node n1) -> 10.0.0.2 (pod shop/db) TCP/5432: ALLOWED\n"
        + "  ingress from its own node: allowed by Cilium's own-node allow rule (node n1 to its pods); only a deny"
        + " rule would override it, and none matched\n");
    Explanation egress = new ReferenceEvaluator(cluster(cnp("db-out", """
          endpointSelector: {matchLabels: {app: db}}
          egress:
          - toEndpoints: [{matchLabels: {app: web}}]
        """))).explain(tcp(DB, NODE1, 22));
    assertThat(egress.shortcut()).isEqualTo(Explanation.Shortcut.NONE);
    assertThat(egress.allowed()).isFalse();
    Explanation denied = new ReferenceEvaluator(cluster(cnp("deny-host", """
          endpointSelector: {matchLabels: {app: db}}
          ingressDeny:
          - fromEntities: [host]
        """))).explain(tcp(NODE1, DB, 5432));
    assertThat(denied.shortcut()).isEqualTo(Explanation.Shortcut.NONE);
    assertThat(denied.ingress().ciliumMatch()).hasValueSatisfying(m -> assertThat(m.deny()).isTrue());
  }

  @Test
  void aClusterwidePolicySelectsPodsOfEveryNamespace() {
    Cluster c = cluster("""
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: lock-all}
        spec:
          endpointSelector: {}
          ingress:
          - fromEndpoints: [{matchLabels: {app: web}}]
        """);
    assertThat(allows(c, tcp(WEB, MON, 80))).isTrue();
    assertThat(allows(c, tcp(DB, MON, 80))).isFalse();
    assertThat(allows(c, tcp(MON, DB, 80))).isFalse();
  }

  @Test
  void aKubernetesNetworkPolicyIsolatesBesideCiliumPolicies() {
    Cluster c = cluster(DB_INGRESS_FROM_WEB + """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-deny, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
        """);
    assertThat(allows(c, tcp(MON, WEB, 8080))).isFalse();
  }

  @Test
  void ipBlocksOfNetworkPoliciesMatchOnlyOutsideAddresses() {
    Cluster c = cluster(DB_INGRESS_FROM_WEB + """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-block, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
        """);
    assertThat(allows(c, tcp(EXT, DB, 5432))).isTrue();
    assertThat(allows(c, tcp(MON, DB, 5432))).isFalse();
  }

  @Test
  void aPodReachesItselfWhateverThePolicy() {
    Cluster c = cluster(cnp("deny-all", """
          endpointSelector: {matchLabels: {app: db}}
          ingressDeny:
          - fromEntities: [all]
        """));
    assertThat(allows(c, tcp(DB, DB, 5432))).isTrue();
  }

  @Test
  void matrixAttributionNamesTheCiliumRule() {
    Cluster c = cluster(DB_INGRESS_FROM_WEB);
    DirectionDecision allowed = DirectionDecision.of(new ReferenceEvaluator(c).explain(tcp(WEB, DB, 1)).ingress());
    assertThat(allowed.rule().orElseThrow().policy()).isEqualTo("CiliumNetworkPolicy/shop/db-from-web");
    assertThat(allowed.rule().orElseThrow().action()).isEqualTo("Allow");
    DirectionDecision denied = DirectionDecision.of(new ReferenceEvaluator(c).explain(tcp(MON, DB, 1)).ingress());
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.isolatedBy()).containsExactly("CiliumNetworkPolicy/shop/db-from-web");
  }

  @Test
  void matrixAttributionOfAnUnselectedPodIsTheDefault() {
    Cluster c = cluster(DB_INGRESS_FROM_WEB);
    DirectionDecision open = DirectionDecision.of(new ReferenceEvaluator(c).explain(tcp(MON, WEB, 1)).ingress());
    assertThat(open.allowed()).isTrue();
    assertThat(open.tier()).isEqualTo(dev.netpolc.compiler.matrix.DecidingTier.DEFAULT);
    assertThat(open.rule()).isEmpty();
  }
}
