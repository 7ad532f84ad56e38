package dev.netpolc.compiler.convert;

import static dev.netpolc.compiler.convert.ConvertedDecisions.read;
import static dev.netpolc.compiler.convert.ConvertedDecisions.sameDecisions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.PolicyDiff;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.gen.TieredClusterGen;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.yaml.PolicyWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conversions of generated clusters, checked independently of the proof the converter runs: the
 * reference evaluator decides every probe ({@link ConnectionProbes}: pods, nodes and outside
 * addresses, every mentioned port and its neighbours, ICMP) on the source and on the converted
 * YAML read back, on the generated inventory and on a second, unrelated inventory (the
 * conversions here are all flagged exact, so they must hold for pods that did not exist).
 */
class ConvertPropertiesTest {
  private static final SemanticsOptions OPTIONS = SemanticsOptions.DEFAULTS.withDomainNamesMatchNothing(true);

  @Test
  void tieredClustersConvertToClusterNetworkPolicyExactly() {
    qt().withExamples(30).forAll(TieredClusterGen.clusters(), ClusterGen.clusters()).checkAssert((c, other) -> {
      Conversion conv = Converter.convert(c, ConvertTarget.CLUSTER_NETWORK_POLICY, false, OPTIONS);
      assertThat(conv.refusals()).isEmpty();
      assertThat(conv.objects()).allMatch(o -> o.exactness() == Exactness.EXACT);
      Cluster back = read(conv.yaml());
      assertThat(back.adminNetworkPolicies()).isEmpty();
      assertThat(back.baselineAdminNetworkPolicies()).isEmpty();
      sameDecisions(c, back, false);
      Cluster elsewhere = inventoryOf(other).withPolicies(c.policies()).withTieredPolicies(c.clusterNetworkPolicies(),
          c.adminNetworkPolicies(), c.baselineAdminNetworkPolicies());
      assertThat(PolicyDiff.compute(elsewhere, elsewhere, back, OPTIONS).isEmpty()).isTrue();
      sameDecisions(elsewhere, back, false);
    });
  }

  /**
   * Clusters whose cluster-scoped policies all share one priority, checked by the converter's own
   * proof: the ties between kinds that the order-keeping priorities exist for, which the plain
   * generator draws only now and then.
   */
  @Test
  void tiedPrioritiesKeepTheirOrder() {
    qt().withExamples(80).forAll(TieredClusterGen.clusters().map(ConvertPropertiesTest::allAtPriority5))
        .checkAssert(c -> assertThat(Converter.convert(c, ConvertTarget.CLUSTER_NETWORK_POLICY, false, OPTIONS)
            .refusals()).isEmpty());
  }

  private static Cluster allAtPriority5(Cluster c) {
    return c.withTieredPolicies(c.clusterNetworkPolicies().stream().map(p -> new ClusterNetworkPolicy(p.name(),
            p.tier(), 5, p.subject(), p.ingress(), p.egress(), p.kind(), p.source(), p.suppressedRules())).toList(),
        c.adminNetworkPolicies().stream().map(p -> new AdminNetworkPolicy(p.name(), 5, p.subject(), p.ingress(),
            p.egress(), p.source(), p.suppressedRules())).toList(),
        c.baselineAdminNetworkPolicies());
  }

  @Test
  void approximateNeverAllowsMore() {
    qt().withExamples(25).forAll(TieredClusterGen.clusters()).checkAssert(c -> {
      for (ConvertTarget t : ConvertTarget.values()) {
        Conversion conv = Converter.convert(c, t, true, OPTIONS);
        if (conv.accepted()) {
          sameDecisions(c, read(conv.yaml()), true);
        } else {
          assertThat(conv.yaml()).isEmpty();
        }
      }
    });
  }

  @Test
  void networkPolicyTargetAcceptsExactlyInputsWithoutClusterPolicies() {
    qt().withExamples(25).forAll(TieredClusterGen.clusters()).checkAssert(c -> {
      Conversion conv = Converter.convert(c, ConvertTarget.NETWORK_POLICY, false, OPTIONS);
      assertThat(conv.accepted()).isEqualTo(!c.hasTieredPolicies());
      if (!conv.accepted()) {
        assertThat(conv.refusals()).hasSize(c.tieredPolicies().size())
            .allMatch(r -> r.reason().contains("tier"));
      }
    });
  }

  @Test
  void networkPoliciesRoundTripThroughBothTargets() {
    qt().withExamples(30).forAll(ClusterGen.clusters()).checkAssert(c -> {
      Conversion toCnp = Converter.convert(c, ConvertTarget.CLUSTER_NETWORK_POLICY, false, OPTIONS);
      assertThat(toCnp.accepted()).isTrue();
      Cluster mid = inventoryOf(c).withPolicies(read(toCnp.yaml()).policies());
      Conversion toNp = Converter.convert(mid, ConvertTarget.NETWORK_POLICY, false, OPTIONS);
      assertThat(toNp.accepted()).isTrue();
      Cluster back = read(toNp.yaml());
      assertThat(yaml(back.policies())).isEqualTo(yaml(sorted(c.policies())));
      sameDecisions(c, back, false);
    });
  }


  private static Cluster inventoryOf(Cluster c) {
    return new Cluster(c.namespaces(), c.pods(), c.nodes(), List.of());
  }

  private static List<NetworkPolicy> sorted(List<NetworkPolicy> policies) {
    return policies.stream().sorted(java.util.Comparator.comparing(NetworkPolicy::namespace)
        .thenComparing(NetworkPolicy::name)).toList();
  }

  private static List<String> yaml(List<NetworkPolicy> policies) {
    return policies.stream().map(PolicyWriter::toYaml).toList();
  }
}
