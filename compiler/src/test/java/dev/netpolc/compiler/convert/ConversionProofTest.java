package dev.netpolc.compiler.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.Change;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.PolicyTier;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The proof in {@link Converter#prove}, fed translations that are wrong on purpose (no converter
 * writes them): a translation that denies more is refused, or kept with {@code approximate} and
 * its lost connections listed; one that allows more is refused either way; one the gate would
 * reject is refused naming the object. The same holds at addresses that are not pods (the edge
 * probe): an outside network, and the pod's own node, whose pairs the edge probe alone decides.
 */
class ConversionProofTest {
  private static final Cluster INVENTORY = ConverterTest.readString("""
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: a, labels: {app: web}}
      spec: {nodeName: n1}
      status: {phase: Running, podIPs: [{ip: 198.18.0.1}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: a, labels: {app: db}}
      spec: {nodeName: n1}
      status: {phase: Running, podIPs: [{ip: 198.18.0.2}]}
      """);
  private static final Cluster WITH_NODE = ConverterTest.readString("""
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status:
        addresses:
        - {type: InternalIP, address: 198.19.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: a, labels: {app: web}}
      spec: {nodeName: n1}
      status: {phase: Running, podIPs: [{ip: 198.18.0.1}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: a, labels: {app: db}}
      spec: {nodeName: n1}
      status: {phase: Running, podIPs: [{ip: 198.18.0.2}]}
      """);
  private static final Provenance FROM = Provenance.of("NetworkPolicy", "a", "x");

  private static ConvertedObject denyIntoDb(int priority) {
    return new ConvertedObject.ClusterPolicyObject(ClusterNetworkPolicy.of("deny-db", PolicyTier.ADMIN, priority,
        ClusterPolicySubject.pods(LabelSelector.EVERYTHING, LabelSelector.ofLabels(Map.of("app", "db"))),
        List.of(new ClusterPolicyRule(Optional.empty(), "Deny",
            List.of(ClusterPolicyPeer.namespaces(LabelSelector.EVERYTHING)), Optional.empty())), List.of()),
        FROM, Exactness.EXACT, List.of());
  }

  @Test
  void deniesMoreIsRefusedUnlessApproximate() {
    Conversion exact = Converter.prove(INVENTORY, ConvertTarget.CLUSTER_NETWORK_POLICY, List.of(denyIntoDb(1)), false,
        SemanticsOptions.DEFAULTS);
    assertThat(exact.accepted()).isFalse();
    assertThat(exact.yaml()).isEmpty();
    assertThat(exact.refusals()).singleElement().satisfies(r ->
        assertThat(r.reason()).startsWith("the converted policies decide differently: newly denied: a web -> a"
            + " db on all ports and protocols; in the source: ").contains("ALLOWED"));
    Conversion approx = Converter.prove(INVENTORY, ConvertTarget.CLUSTER_NETWORK_POLICY, List.of(denyIntoDb(1)), true,
        SemanticsOptions.DEFAULTS);
    assertThat(approx.accepted()).isTrue();
    assertThat(approx.approximate()).isTrue();
    assertThat(approx.lost()).singleElement().satisfies(b -> {
      assertThat(b.change()).isEqualTo(Change.NEWLY_DENIED);
      assertThat(b.sources()).containsExactly("a/web");
      assertThat(b.destinations()).containsExactly("a/db");
    });
    assertThat(approx.provedPods()).isEqualTo(2);
  }

  @Test
  void allowsMoreIsRefusedEvenWhenApproximate() {
    Cluster isolated = INVENTORY.withPolicies(List.of(NetworkPolicy.of("a", "x",
        LabelSelector.ofLabels(Map.of("app", "db")), List.of("Ingress"), List.of(), List.of())));
    for (boolean approximate : new boolean[] {false, true}) {
      Conversion c = Converter.prove(isolated, ConvertTarget.CLUSTER_NETWORK_POLICY, List.of(), approximate,
          SemanticsOptions.DEFAULTS);
      assertThat(c.accepted()).isFalse();
      // The refusal shows how the source decides: the NetworkPolicy that isolates db.
      assertThat(c.refusals()).singleElement().satisfies(r -> assertThat(r.reason()).contains("newly allowed")
          .contains("DENIED").contains("a/x"));
    }
  }

  @Test
  void whatTheGateWouldRejectIsRefusedNamingTheObject() {
    Conversion c = Converter.prove(INVENTORY, ConvertTarget.CLUSTER_NETWORK_POLICY, List.of(denyIntoDb(2000)), true,
        SemanticsOptions.DEFAULTS);
    assertThat(c.accepted()).isFalse();
    assertThat(c.refusals()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.source()).isEqualTo(FROM);
      assertThat(r.reason()).startsWith("the converted ClusterNetworkPolicy deny-db would be rejected: ");
    });
  }

  /** web's egress to {@code peer} denied, in the Admin tier. */
  private static ConvertedObject denyWebEgress(ClusterPolicyPeer peer) {
    return new ConvertedObject.ClusterPolicyObject(ClusterNetworkPolicy.of("deny-web", PolicyTier.ADMIN, 1,
        ClusterPolicySubject.pods(LabelSelector.EVERYTHING, LabelSelector.ofLabels(Map.of("app", "web"))), List.of(),
        List.of(new ClusterPolicyRule(Optional.empty(), "Deny", List.of(peer), Optional.empty()))),
        FROM, Exactness.EXACT, List.of());
  }

  @Test
  void anEdgeDenialIsRefusedUnlessApproximateThenReported() {
    ConvertedObject deny = denyWebEgress(ClusterPolicyPeer.networks(List.of("203.0.113.0/24")));
    Conversion exact = Converter.prove(WITH_NODE, ConvertTarget.CLUSTER_NETWORK_POLICY, List.of(deny), false,
        SemanticsOptions.DEFAULTS);
    assertThat(exact.accepted()).isFalse();
    assertThat(exact.refusals()).isNotEmpty().allSatisfy(r -> assertThat(r.reason())
        .startsWith("the converted policies decide differently: newly denied: a web -> 203.0.113.")
        .contains("in the source: ").contains("ALLOWED"));
    Conversion approx = Converter.prove(WITH_NODE, ConvertTarget.CLUSTER_NETWORK_POLICY, List.of(deny), true,
        SemanticsOptions.DEFAULTS);
    assertThat(approx.accepted()).isTrue();
    // Both ends of the network are listed (one class: they lie in the same sets), nothing else.
    assertThat(approx.lost()).singleElement().satisfies(b -> {
      assertThat(b.change()).isEqualTo(Change.NEWLY_DENIED);
      assertThat(b.sources()).containsExactly("a/web");
      assertThat(b.destinations()).containsExactly("203.0.113.0", "203.0.113.255");
      assertThat(Converter.describe(b)).isEqualTo("newly denied: a web -> 203.0.113.0, 203.0.113.255 on all ports"
          + " and protocols");
    });
    assertListedAsDenied(approx, deny);
  }

  @Test
  void theOwnNodeIsProbedOnceAndReportedUnderApproximate() {
    ConvertedObject deny = denyWebEgress(ClusterPolicyPeer.nodes(LabelSelector.EVERYTHING));
    Conversion approx = Converter.prove(WITH_NODE, ConvertTarget.CLUSTER_NETWORK_POLICY, List.of(deny), true,
        SemanticsOptions.DEFAULTS);
    assertThat(approx.accepted()).isTrue();
    assertThat(approx.lost()).singleElement().satisfies(b -> {
      assertThat(b.destinations()).containsExactly("198.19.0.1");
      assertThat(b.destinationDescription()).isEqualTo("node n1 198.19.0.1 (the pod's own)");
    });
    // No pair is reported twice (the own node was once probed by two checks).
    List<ChangeBlock> lost = approx.lost();
    assertThat(new HashSet<>(lost)).hasSameSizeAs(lost);
    assertThat(Converter.prove(WITH_NODE, ConvertTarget.CLUSTER_NETWORK_POLICY, List.of(deny), false,
        SemanticsOptions.DEFAULTS).accepted()).isFalse();
  }

  @Test
  void anEdgeAllowIsRefusedEvenWhenApproximate() {
    ConvertedObject deny = denyWebEgress(ClusterPolicyPeer.networks(List.of("203.0.113.0/24")));
    Cluster source = WITH_NODE.withTieredPolicies(List.of(
        ((ConvertedObject.ClusterPolicyObject) deny).policy()), List.of(), List.of());
    for (boolean approximate : new boolean[] {false, true}) {
      Conversion c = Converter.prove(source, ConvertTarget.CLUSTER_NETWORK_POLICY, List.of(), approximate,
          SemanticsOptions.DEFAULTS);
      assertThat(c.accepted()).isFalse();
      assertThat(c.refusals()).isNotEmpty().allSatisfy(r -> assertThat(r.reason())
          .startsWith("the converted policies decide differently: newly allowed: a web -> 203.0.113.")
          .contains("DENIED"));
    }
  }

  /** Every probe of every lost block: allowed by the source, denied by the conversion. */
  private static void assertListedAsDenied(Conversion approx, ConvertedObject deny) {
    ReferenceEvaluator source = new ReferenceEvaluator(WITH_NODE, SemanticsOptions.DEFAULTS);
    ReferenceEvaluator converted = new ReferenceEvaluator(WITH_NODE.withTieredPolicies(List.of(
        ((ConvertedObject.ClusterPolicyObject) deny).policy()), List.of(), List.of()), SemanticsOptions.DEFAULTS);
    for (ChangeBlock b : approx.lost()) {
      for (String d : b.destinations()) {
        Connection c = Connection.of(IpAddress.parse("198.18.0.1"), IpAddress.parse(d), Protocol.TCP, 443);
        assertThat(source.allows(c)).isTrue();
        assertThat(converted.allows(c)).isFalse();
      }
    }
  }
}
