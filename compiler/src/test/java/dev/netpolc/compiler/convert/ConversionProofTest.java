package dev.netpolc.compiler.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.Change;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.PolicyTier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The proof in {@link Converter#prove}, fed translations that are wrong on purpose (no converter
 * writes them): a translation that denies more is refused, or kept with {@code approximate} and
 * its lost connections listed; one that allows more is refused either way; one the gate would
 * reject is refused naming the object.
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
}
