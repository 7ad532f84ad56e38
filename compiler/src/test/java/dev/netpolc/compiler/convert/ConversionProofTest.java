package dev.netpolc.compiler.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.Change;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.compiler.gen.CalicoClusterGen;
import dev.netpolc.compiler.gen.CiliumClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.gen.TieredClusterGen;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.Cidr;
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
import org.quicktheories.core.Gen;

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
    // The whole network is listed (one class of addresses: they lie in the same sets), nothing else.
    assertThat(approx.lost()).singleElement().satisfies(b -> {
      assertThat(b.change()).isEqualTo(Change.NEWLY_DENIED);
      assertThat(b.sources()).containsExactly("a/web");
      assertThat(b.destinations()).containsExactly("203.0.113.0/24");
      assertThat(Converter.describe(b)).isEqualTo("newly denied: a web -> 203.0.113.0/24 on all ports and protocols");
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
        Cidr block = Cidr.of(d.contains("/") ? d : d + "/32");
        for (IpAddress a : List.of(block.first(), block.last(), block.first().plus(77).filter(block::contains)
            .orElse(block.first()))) {
          Connection c = Connection.of(IpAddress.parse("198.18.0.1"), a, Protocol.TCP, 443);
          assertThat(source.allows(c)).isTrue();
          assertThat(converted.allows(c)).isFalse();
        }
      }
    }
  }

  /**
   * The approximate report is complete: on generated clusters of every dialect converted to every
   * target with {@code approximate}, each probe ({@link ConnectionProbes#withIcmpAndGeneratorPorts})
   * the source allows and the conversion denies lies in some newly denied block of the report, at
   * pods and at edge addresses alike (an edge class too fragmented to list is counted, not checked).
   */
  @Test
  void theApproximateReportListsEveryConnectionItDenies() {
    int[] seen = new int[3]; // checked lost probes, of them at edge addresses, in unlisted classes
    List<Gen<Cluster>> gens = List.of(CiliumClusterGen.clusters(), CalicoClusterGen.clusters(),
        TieredClusterGen.clusters());
    for (Gen<Cluster> gen : gens) {
      qt().withFixedSeed(20261208L).withExamples(40).forAll(gen).checkAssert(c -> {
        for (ConvertTarget t : ConvertTarget.values()) {
          Conversion conv = Converter.convert(c, t, true, ConvertedDecisions.OPTIONS);
          if (conv.accepted() && conv.approximate()) {
            checkListed(c, conv, seen);
          }
        }
      });
    }
    System.out.println("approximate report: lost probes checked " + seen[0] + ", at edge addresses " + seen[1]
        + ", in classes listed by example " + seen[2]);
    assertThat(seen[0]).isPositive();
    assertThat(seen[1]).isPositive();
  }

  private static void checkListed(Cluster c, Conversion conv, int[] seen) {
    ReferenceEvaluator before = new ReferenceEvaluator(c, ConvertedDecisions.OPTIONS);
    ReferenceEvaluator after = new ReferenceEvaluator(ConvertedDecisions.onInventory(c,
        ConvertedDecisions.read(conv.yaml())), ConvertedDecisions.OPTIONS);
    for (Connection probe : ConnectionProbes.withIcmpAndGeneratorPorts(c)) {
      if (!before.allows(probe) || after.allows(probe)) {
        continue;
      }
      boolean edge = podKey(c, probe.source()).isEmpty() || podKey(c, probe.destination()).isEmpty();
      boolean listed = conv.lost().stream().anyMatch(b -> b.change() == Change.NEWLY_DENIED
          && b.ports().contains(probe.protocol(), probe.port()) && holds(c, b.sources(), probe.source())
          && holds(c, b.destinations(), probe.destination()));
      boolean unlisted = conv.lost().stream().anyMatch(b -> (b.sourceDescription() + b.destinationDescription())
          .contains("every address in the same address sets"));
      if (!listed && unlisted) {
        seen[2]++;
        continue;
      }
      assertThat(listed).as("%s denied by the conversion, not in the report %s", probe, conv.lost()).isTrue();
      seen[0]++;
      seen[1] += edge ? 1 : 0;
    }
  }

  /** The key of the active, non-host-network pod at {@code a}; empty for any other address. */
  private static Optional<String> podKey(Cluster c, IpAddress a) {
    return c.pods().stream().filter(p -> p.isActive() && !p.hostNetwork() && p.ips().contains(a)).map(p -> p.key())
        .findFirst();
  }

  /** True when {@code side} of a block (pod keys, addresses or address blocks) holds {@code a}. */
  private static boolean holds(Cluster c, List<String> side, IpAddress a) {
    Optional<String> pod = podKey(c, a);
    if (pod.isPresent() && side.contains(pod.get())) {
      return true;
    }
    return side.stream().map(e -> Cidr.parse(e.contains("/") ? e : e + (e.contains(":") ? "/128" : "/32")))
        .anyMatch(p -> p.isPresent() && p.get().cidr().contains(a));
  }
}
