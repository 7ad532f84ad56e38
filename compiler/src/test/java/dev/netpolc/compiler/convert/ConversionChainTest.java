package dev.netpolc.compiler.convert;

import static dev.netpolc.compiler.convert.ConvertedDecisions.OPTIONS;
import static dev.netpolc.compiler.convert.ConvertedDecisions.read;
import static dev.netpolc.compiler.convert.ConvertedDecisions.sameDecisions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The conversions chained through clusternetworkpolicy ({@code Converter.viaClusterPolicies}):
 * Calico → cilium and Cilium → calico, proved against the source itself; the chain keeps the
 * source's own-node meaning of NetworkPolicies, and names the source policies and their
 * inventory dependence in its output.
 */
class ConversionChainTest {
  private static final String INVENTORY = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      spec: {podCIDRs: [10.0.0.0/24]}
      status:
        addresses:
        - {type: InternalIP, address: 192.168.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec: {nodeName: n1}
      status: {podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec: {nodeName: n1, containers: [{name: c, ports: [{containerPort: 5432}]}]}
      status: {podIP: 10.0.0.2}
      """;

  /** A default-tier Calico policy that isolates web's egress: web may reach db on 5432 only. */
  private static final String DEFAULT_TIER_EGRESS = INVENTORY + """
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: web-out, namespace: shop}
      spec:
        selector: app == "web"
        types: [Egress]
        egress:
        - action: Allow
          protocol: TCP
          destination:
            selector: app == "db"
            ports: [5432]
      """;

  /** A tier before default that denies egress to a documentation network and passes the rest. */
  private static final String SECURITY_TIER = """
      ---
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: security}
      spec: {order: 100, defaultAction: Pass}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: security.no-docs}
      spec:
        tier: security
        selector: all()
        types: [Egress]
        egress:
        - action: Deny
          destination: {nets: [203.0.113.0/24]}
      """;

  @Test
  void calicoDefaultTierEgressIsolationConvertsToCiliumWithItsOwnNodeMeaning() {
    Cluster in = ConverterTest.readString(DEFAULT_TIER_EGRESS + SECURITY_TIER);
    Conversion c = Converter.convert(in, ConvertTarget.CILIUM, false, OPTIONS);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.provedPods()).isEqualTo(2);
    assertThat(c.lost()).isEmpty();
    // Calico and Cilium both deny web's egress to its own node here: kept as a NetworkPolicy,
    // which the Cilium policy beside it puts in the cilium profile.
    assertThat(c.objects()).extracting(ConvertedObject::kind)
        .containsExactly("NetworkPolicy", "CiliumClusterwideNetworkPolicy");
    assertThat(c.objects().get(0).from()).isEqualTo(Provenance.of("projectcalico.org NetworkPolicy", "shop",
        "web-out"));
    assertThat(c.objects().get(1).from()).isEqualTo(Provenance.of("projectcalico.org GlobalNetworkPolicy", "",
        "security.no-docs"));
    Cluster out = read(c.yaml());
    sameDecisions(in, out, false);
    sameDecisions(CiliumConvertPropertiesTest.withNewPods(in), out, false);
  }

  @Test
  void withoutACiliumObjectTheNetworkPolicyHasUpstreamMeaningAndIsRefused() {
    // Output of NetworkPolicies only is read in the upstream profile (SEMANTICS-CILIUM.md: the
    // cilium profile needs a Cilium policy), where web's egress to its own node is exempt. Refused
    // up front, not by the proof: the proof would pass on an inventory where the policy selects no
    // pod, and the conversion would claim to be inventory-independent.
    Cluster in = ConverterTest.readString(DEFAULT_TIER_EGRESS);
    Conversion c = Converter.convert(in, ConvertTarget.CILIUM, true, OPTIONS);
    assertThat(c.accepted()).isFalse();
    assertThat(c.refusals()).singleElement().satisfies(r -> assertThat(r.reason())
        .contains("with no Cilium policy beside them").contains("not provable"));
  }

  @Test
  void theSameNetworkPolicyIsRefusedForCiliumWhenItHasUpstreamMeaning() {
    // A Kubernetes NetworkPolicy alone exempts the own node; Cilium would deny it.
    Cluster in = ConverterTest.readString(INVENTORY + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-out, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
          egress:
          - to: [{podSelector: {matchLabels: {app: db}}}]
        """);
    Conversion c = Converter.convert(in, ConvertTarget.CILIUM, false, OPTIONS);
    assertThat(c.accepted()).isFalse();
    assertThat(c.refusals()).singleElement().satisfies(r -> assertThat(r.reason()).contains("own node"));
  }

  @Test
  void ciliumExamplesConvertToCalicoNamingTheirSources() {
    Cluster in = ConverterTest.read(Path.of("..", "examples", "cilium"));
    Conversion c = Converter.convert(in, ConvertTarget.CALICO, false, OPTIONS);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.provedPods()).isPositive();
    assertThat(c.lost()).isEmpty();
    // Every policy names the Cilium (or Kubernetes) policy it came from, not the intermediate object.
    assertThat(c.objects()).filteredOn(o -> !o.kind().equals("Tier"))
        .allSatisfy(o -> assertThat(o.from().kind()).matches("cilium\\.io .*|NetworkPolicy"));
    // What the first step wrote from today's inventory stays marked.
    assertThat(c.inventoryDependent()).isTrue();
    assertThat(c.objects()).filteredOn(o -> o.exactness() == Exactness.INVENTORY_DEPENDENT)
        .allSatisfy(o -> assertThat(o.from().kind()).startsWith("cilium.io "));
    sameDecisions(in, read(c.yaml()), false);
    // Deterministic.
    assertThat(Converter.convert(in, ConvertTarget.CALICO, false, OPTIONS).yaml()).isEqualTo(c.yaml());
  }

  @Test
  void ciliumRoundTripsThroughCalico() {
    Cluster in = ConverterTest.read(Path.of("..", "examples", "cilium"));
    Conversion there = Converter.convert(in, ConvertTarget.CALICO, false, OPTIONS);
    assertThat(there.accepted()).isTrue();
    Cluster mid = ConvertedDecisions.onInventory(in, read(there.yaml()));
    Conversion back = Converter.convert(mid, ConvertTarget.CILIUM, false, OPTIONS);
    if (back.accepted()) {
      sameDecisions(in, read(back.yaml()), false);
    } else {
      assertThat(back.refusals()).allSatisfy(r -> assertThat(r.reason())
          .endsWith("(Calico is converted to Cilium through clusternetworkpolicy)"));
    }
  }
}
