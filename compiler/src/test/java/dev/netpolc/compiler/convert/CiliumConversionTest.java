package dev.netpolc.compiler.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.CiliumPolicyWriter;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cilium conversions construct by construct, on a small inventory: two namespaces, one node, three
 * pods. Each case states the source, the target and what is exact, refused or inventory-dependent.
 */
class CiliumConversionTest {
  private static final SemanticsOptions OPTIONS = SemanticsOptions.DEFAULTS;
  private static final String INVENTORY = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: a, labels: {tenant: x}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: b, labels: {tenant: y}}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      spec: {podCIDRs: [10.0.1.0/24]}
      status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: a, labels: {app: web}}
      spec: {nodeName: n1, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
      status: {phase: Running, podIPs: [{ip: 10.0.1.10}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: a, labels: {app: db}}
      spec: {nodeName: n1, containers: [{name: c, ports: [{name: pg, containerPort: 5432}]}]}
      status: {phase: Running, podIPs: [{ip: 10.0.1.11}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: b, labels: {app: client}}
      spec: {nodeName: n1, containers: [{name: c}]}
      status: {phase: Running, podIPs: [{ip: 10.0.1.20}]}
      """;

  private static Cluster cluster(String policies) {
    ReadResult r = new PolicyReader().readString("test.yaml", INVENTORY + "---\n" + policies);
    assertThat(r.errors()).isEmpty();
    assertThat(AcceptanceGate.DEFAULT.check(r.cluster()).accepted()).as("%s", r.cluster()).isTrue();
    return r.cluster();
  }

  private static Conversion convert(String policies, ConvertTarget target) {
    return Converter.convert(cluster(policies), target, false, OPTIONS);
  }

  private static String reasons(Conversion c) {
    return c.refusals().toString();
  }

  @Test
  void namespacedIngressAllowWithDefaultDenyBecomesANetworkPolicy() {
    String cnp = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: db, namespace: a}
        spec:
          endpointSelector: {matchLabels: {app: db}}
          ingress:
          - fromEndpoints: [{matchLabels: {app: web}}]
            toPorts: [{ports: [{port: "5432", endPort: 5433, protocol: TCP}]}]
        """;
    for (ConvertTarget t : List.of(ConvertTarget.NETWORK_POLICY, ConvertTarget.CLUSTER_NETWORK_POLICY)) {
      Conversion c = convert(cnp, t);
      assertThat(c.refusals()).isEmpty();
      assertThat(c.objects()).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo("NetworkPolicy");
        assertThat(o.exactness()).isEqualTo(Exactness.EXACT);
      });
      assertThat(c.yaml()).contains("endPort: 5433").contains("- Ingress");
    }
  }

  @Test
  void denyBecomesAnAdminDenyFirstAndIsRefusedByNetworkPolicy() {
    String ccnp = """
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: no-db}
        spec:
          endpointSelector: {matchLabels: {app: db}}
          enableDefaultDeny: {ingress: false}
          ingressDeny:
          - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: b}}]
        """;
    Conversion c = convert(ccnp, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.yaml()).contains("tier: Admin").contains("priority: 0").contains("action: Deny")
        .contains("kubernetes.io/metadata.name: b");
    Conversion np = convert(ccnp, ConvertTarget.NETWORK_POLICY);
    assertThat(reasons(np)).contains("rule spec.ingressDeny[0]").contains("NetworkPolicy has no deny rules");
    assertThat(np.refusals().get(0).position().isKnown()).isTrue();
  }

  @Test
  void egressDefaultDenyIsAnAdminAcceptAndABaselineDenyNotNetworkPolicyIsolation() {
    String cnp = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web, namespace: a}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEndpoints: [{matchLabels: {app: db}}]
            toPorts: [{ports: [{port: pg, protocol: TCP}]}]
        """;
    Conversion c = convert(cnp, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.yaml()).contains("action: Accept").contains("destinationNamedPort: pg").contains("tier: Baseline")
        .contains("0.0.0.0/0");
    // The written protocol (TCP) holds only while every pod's port pg is TCP: flagged.
    assertThat(c.inventoryDependent()).isTrue();
    assertThat(reasons(convert(cnp, ConvertTarget.NETWORK_POLICY))).contains("own node");
  }

  @Test
  void icmpIsRefusedNamingTheRule() {
    String cnp = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: ping, namespace: a}
        spec:
          endpointSelector: {}
          ingress:
          - icmps: [{fields: [{type: 8}]}]
        """;
    assertThat(reasons(convert(cnp, ConvertTarget.CLUSTER_NETWORK_POLICY))).contains("spec.ingress[0].icmps")
        .contains("ICMP");
  }

  @Test
  void clusterWideIngressDefaultDenyIsRefused() {
    String ccnp = """
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: lock}
        spec:
          endpointSelector: {}
          ingress:
          - fromEndpoints: [{}]
        """;
    assertThat(reasons(convert(ccnp, ConvertTarget.CLUSTER_NETWORK_POLICY)))
        .contains("cluster-wide ingress default deny");
  }

  @Test
  void worldBecomesAnIpBlockLessTodaysAddressesFlaggedInventoryDependent() {
    String cnp = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web, namespace: a}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress:
          - fromEntities: [world]
        """;
    Conversion c = convert(cnp, ConvertTarget.NETWORK_POLICY);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.inventoryDependent()).isTrue();
    assertThat(c.yaml()).contains("cidr: 0.0.0.0/0").contains("- 10.0.1.10/32").contains("- 192.168.0.1/32");
  }

  @Test
  void cidrSetLessItsExceptBecomesNetworksAndCidrsOverPodsAreRefused() {
    String cnp = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web, namespace: a}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          enableDefaultDeny: {egress: false}
          egressDeny:
          - toCIDRSet: [{cidr: 203.0.113.0/24, except: [203.0.113.128/25]}]
        """;
    Conversion c = convert(cnp, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.yaml()).contains("- 203.0.113.0/25").doesNotContain("203.0.113.128");
    Conversion pods = convert(cnp.replace("203.0.113.0/24, except: [203.0.113.128/25]", "10.0.0.0/8"),
        ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(reasons(pods)).contains("never match pods or nodes");
  }

  @Test
  void aCidrIsExactOnlyWhereEveryNodeDeclaresItsPodCidr() {
    String cnp = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web, namespace: a}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          enableDefaultDeny: {egress: false}
          egressDeny:
          - toCIDR: [203.0.113.0/24]
        """;
    // The node's pod CIDR 10.0.1.0/24 holds every pod it will run: the CIDR stays disjoint from pods.
    Conversion exact = convert(cnp, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(exact.refusals()).isEmpty();
    assertThat(exact.inventoryDependent()).isFalse();
    // Without it, nothing keeps a future pod out of 203.0.113.0/24, where Cilium's CIDR would not
    // match it and ClusterNetworkPolicy's networks would.
    ReadResult r = new PolicyReader().readString("test.yaml",
        INVENTORY.replace("spec: {podCIDRs: [10.0.1.0/24]}\n", "") + "---\n" + cnp);
    assertThat(r.errors()).isEmpty();
    Conversion unknown = Converter.convert(r.cluster(), ConvertTarget.CLUSTER_NETWORK_POLICY, false, OPTIONS);
    assertThat(unknown.refusals()).isEmpty();
    assertThat(unknown.inventoryDependent()).isTrue();
    assertThat(unknown.objects()).anySatisfy(o -> assertThat(o.notes()).anySatisfy(n -> assertThat(n)
        .contains("CIDR 203.0.113.0/24 carried over as written").contains("node n1 declares no pod CIDR")));
  }

  @Test
  void cidrSubtractionIsExact() {
    assertThat(ClusterAddresses.subtract("10.0.0.0/24", List.of("10.0.0.0/26", "10.0.0.200/32"), 25)).hasValue(
        List.of("10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/29", "10.0.0.201/32", "10.0.0.202/31",
            "10.0.0.204/30", "10.0.0.208/28", "10.0.0.224/27"));
    assertThat(ClusterAddresses.subtract("10.0.0.0/24", List.of("10.0.0.0/24"), 25)).hasValue(List.of());
    assertThat(ClusterAddresses.subtract("2001:db8::/64", List.of("2001:db8::/65"), 25))
        .hasValue(List.of("2001:db8:0:0:8000::/65"));
    assertThat(ClusterAddresses.subtract("10.0.0.0/8", List.of("10.0.0.1/32"), 5)).isEmpty();
  }

  @Test
  void identityLabelKeysWithoutKubernetesCounterpartAreRefused() {
    String cnp = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: sa, namespace: a}
        spec:
          endpointSelector: {}
          ingress:
          - fromEndpoints: [{matchLabels: {io.cilium.k8s.policy.serviceaccount: builder}}]
        """;
    assertThat(reasons(convert(cnp, ConvertTarget.CLUSTER_NETWORK_POLICY))).contains("serviceaccount")
        .contains("no Kubernetes selector counterpart");
  }

  @Test
  void tieredToCiliumDenyAndAccept() {
    String tiers = """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: guard}
        spec:
          tier: Admin
          priority: 5
          subject: {namespaces: {matchLabels: {tenant: x}}}
          egress:
          - action: Deny
            to: [{networks: [169.254.169.254/32]}]
          - action: Accept
            to: [{pods: {namespaceSelector: {matchLabels: {tenant: y}}, podSelector: {}}}]
            protocols: [{tcp: {destinationPort: {range: {start: 8000, end: 8080}}}}]
        """;
    Conversion c = convert(tiers, ConvertTarget.CILIUM);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.yaml()).contains("kind: CiliumClusterwideNetworkPolicy").contains("egressDeny:")
        .contains("toCIDR:").contains("\"k8s:io.cilium.k8s.namespace.labels.tenant\": \"y\"")
        .contains("endPort: 8080").contains("ingress: false");
  }

  @Test
  void tieredToCiliumRefusesPassAndAcceptOverDeny() {
    String pass = """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: pass}
        spec:
          tier: Admin
          priority: 5
          subject: {namespaces: {}}
          ingress:
          - action: Pass
            from: [{namespaces: {}}]
        """;
    assertThat(reasons(convert(pass, ConvertTarget.CILIUM))).contains("Pass");
    String acceptOverDeny = """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: first}
        spec:
          tier: Admin
          priority: 1
          subject: {namespaces: {}}
          ingress:
          - action: Accept
            from: [{namespaces: {matchLabels: {tenant: y}}}]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: second}
        spec:
          tier: Admin
          priority: 2
          subject: {namespaces: {}}
          ingress:
          - action: Deny
            from: [{namespaces: {}}]
        """;
    Conversion c = convert(acceptOverDeny, ConvertTarget.CILIUM);
    // The later Deny covers the Accept for every pod: refused by construction, before any proof.
    assertThat(reasons(c)).contains("Cilium's denies win over every allow: the later Deny"
        + " ClusterNetworkPolicy/second rule spec.ingress[0]").doesNotContain("newly denied");
  }

  @Test
  void theWriterReadsBackToTheSameRules() {
    ReadResult r = new PolicyReader().read(List.of(Path.of("..", "examples", "cilium")));
    assertThat(r.errors()).isEmpty();
    for (CiliumPolicy p : r.cluster().cilium().policies()) {
      String yaml = CiliumPolicyWriter.toYaml(p);
      ReadResult back = new PolicyReader().readString("back.yaml", yaml);
      assertThat(back.errors()).isEmpty();
      CiliumPolicy q = back.cluster().cilium().policies().get(0);
      assertThat(q.rules()).as(yaml).isEqualTo(p.rules());
      assertThat(CiliumPolicyWriter.toYaml(q)).isEqualTo(yaml);
    }
  }
}
