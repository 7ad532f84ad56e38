package dev.netpolc.compiler.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.Connection;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoTier;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/**
 * Kubernetes NetworkPolicies placed as Calico places them ({@code knp.default.<name>}, Allow rules,
 * order 1000 in the {@code default} tier, whose default action is Deny) mean in a Calico cluster
 * what SEMANTICS.md says they mean: for random policy sets the {@code calico} profile decides
 * every connection as the NetworkPolicy semantics does, except a pod's egress to its own node,
 * which the profile leaves to the pod's egress policy (CalicoEvaluator's documented choice).
 */
class CalicoProfilePropertyTest {
  /** A Tier no policy uses: it only switches the cluster into the calico profile. */
  static final CalicoResources EMPTY_TIER = new CalicoResources(List.of(),
      List.of(new CalicoTier("unused", OptionalDouble.of(50), "Deny", SourceMap.EMPTY)), List.of(), List.of(),
      List.of(), List.of());

  @Test
  void kubernetesPoliciesMeanTheSameInACalicoCluster() {
    qt().withExamples(200).forAll(SourceDSL.lists().of(ReferenceEvaluatorPropertiesTest.policies())
        .ofSizeBetween(0, 4)).checkAssert(ps -> {
          Cluster kubernetes = ReferenceEvaluatorTest.cluster(ps.toArray(new NetworkPolicy[0]));
          Cluster calico = kubernetes.withCalico(EMPTY_TIER);
          assertThat(calico.calico().hasCalicoObjects()).isTrue();
          ReferenceEvaluator np = new ReferenceEvaluator(kubernetes);
          ReferenceEvaluator cal = new ReferenceEvaluator(calico);
          for (Connection c : ReferenceEvaluatorPropertiesTest.connections()) {
            Explanation expected = np.explain(c);
            if (egressToOwnNode(expected)) {
              continue;
            }
            Explanation actual = cal.explain(c);
            assertThat(actual.allowed()).as("%s with %s:%n%s%nvs NetworkPolicy semantics:%n%s", c, ps,
                actual.toText(), expected.toText()).isEqualTo(expected.allowed());
          }
        });
  }

  private static boolean egressToOwnNode(Explanation e) {
    return e.source().kind() == Endpoint.Kind.POD && e.destination().kind() == Endpoint.Kind.NODE
        && e.source().nodeName().equals(e.destination().nodeName());
  }
}
