package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.reference.DirectionVerdict;
import dev.netpolc.compiler.reference.DirectionVerdict.DecidedBy;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.compiler.reference.TierRuleMatch;
import dev.netpolc.compiler.reference.TierStep;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.Probe;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.npa.RuleAction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The examples {@link GeneratedTieredKernelTest} runs on the kernel (same generator, seeds and
 * count), checked without a kernel, per mode: each is valid input on the one fixed layout, and together
 * they make every tier decide both ways: Admin and Baseline Accept and Deny, Pass to the
 * NetworkPolicy tier and past it, the NetworkPolicy tier allowing and denying, v1alpha1 policies
 * deciding, a pod's egress to its own node decided by a cluster tier, node destinations denied,
 * and UDP as well as TCP denied by a tier. Without this the kernel test could pass on examples
 * that exercise no tier at all.
 */
class TieredFixedTopologyGenTest {

  /** What the examples must exercise, each at least once. */
  static final List<String> REQUIRED = List.of("allowed true", "allowed false",
      "ADMIN Accept", "ADMIN Deny", "BASELINE Accept", "BASELINE Deny",
      "NETWORK_POLICY allowed", "NETWORK_POLICY denied",
      "Admin Pass, then NETWORK_POLICY", "Admin Pass, then BASELINE", "Baseline Pass",
      "decided by anp:", "decided by banp:", "decided by cnp:",
      "own-node egress decided by ADMIN", "own-node egress decided by BASELINE",
      "node destination denied by a tier", "UDP denied by a tier", "TCP denied by a tier");

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void theKernelTestsExamplesAreValidAndExerciseEveryTier(Topology.Mode mode) {
    Map<String, Integer> seen = coverage(GeneratedTieredKernelTest.SEEDS.get(mode),
        GeneratedTieredKernelTest.EXAMPLES);
    assertThat(seen).as("what the %s examples exercise: %s", mode, seen)
        .containsKeys(REQUIRED.toArray(String[]::new));
  }

  /**
   * Generates {@code examples} clusters from {@code seed} as the kernel test does, checks that
   * each is valid and laid out like the others and that they are mostly distinct, and counts what the reference
   * evaluator's explanations of every probe show.
   */
  static Map<String, Integer> coverage(long seed, int examples) {
    KernelLayout layout = KernelLayout.of(FixedTopologyGen.readValid(TieredFixedTopologyGen.inventoryOnly()));
    Map<String, Integer> seen = new TreeMap<>();
    List<String> yamls = new ArrayList<>();
    qt().withFixedSeed(seed).withExamples(examples).withShrinkCycles(0).forAll(TieredFixedTopologyGen.clusters())
        .checkAssert(yaml -> {
          yamls.add(yaml);
          Cluster cluster = FixedTopologyGen.readValid(yaml);
          assertThat(KernelLayout.of(cluster)).isEqualTo(layout);
          ReferenceEvaluator ref = new ReferenceEvaluator(cluster);
          for (Probe p : GeneratedTieredKernelTest.probes()) {
            Explanation e = ref.explain(Connection.of(address(cluster, p.from(), p.family()),
                address(cluster, p.to(), p.family()), p.protocol(), p.port()));
            count(seen, "allowed " + e.allowed());
            record(seen, e.egress(), p, true);
            record(seen, e.ingress(), p, false);
          }
        });
    // QuickTheories may try a value more than once; a generator stuck on a few clusters would show here.
    assertThat(new HashSet<>(yamls)).as("distinct examples").hasSizeGreaterThanOrEqualTo(examples * 3 / 4);
    return seen;
  }

  private static void record(Map<String, Integer> seen, DirectionVerdict v, Probe p, boolean egress) {
    Optional<TierRuleMatch> admin = v.admin().flatMap(TierStep::match);
    if (admin.isPresent() && admin.get().action() == RuleAction.PASS) {
      count(seen, "Admin Pass, then " + v.decidedBy());
    }
    if (v.baseline().flatMap(TierStep::match).map(m -> m.action() == RuleAction.PASS).orElse(false)) {
      count(seen, "Baseline Pass");
    }
    if (v.decidedBy() == DecidedBy.NETWORK_POLICY) {
      count(seen, "NETWORK_POLICY " + (v.allowed() ? "allowed" : "denied"));
    }
    Optional<TierRuleMatch> deciding = v.decidingStep().flatMap(TierStep::match);
    if (deciding.isEmpty()) {
      return;
    }
    TierRuleMatch m = deciding.get();
    count(seen, v.decidedBy() + " " + m.action().apiName());
    count(seen, "decided by " + m.policy().key().substring(0, m.policy().key().indexOf(':') + 1));
    if (egress && v.networkPolicyTierSkipped()) {
      count(seen, "own-node egress decided by " + v.decidedBy());
    }
    if (m.action() == RuleAction.DENY) {
      count(seen, p.protocol() + " denied by a tier");
      if (egress && TieredFixedTopologyGen.NODES.contains(p.to())) {
        count(seen, "node destination denied by a tier");
      }
    }
  }

  private static void count(Map<String, Integer> seen, String what) {
    seen.merge(what, 1, Integer::sum);
  }

  /** An endpoint's address in the cluster: a pod's, or for a node its hostNetwork pod's. */
  private static IpAddress address(Cluster cluster, String endpoint, Family family) {
    int node = TieredFixedTopologyGen.NODES.indexOf(endpoint);
    if (node >= 0) {
      return IpAddress.parse(family == Family.V4 ? TieredFixedTopologyGen.NODE_V4.get(node)
          : TieredFixedTopologyGen.NODE_V6.get(node));
    }
    Pod pod = cluster.pods().stream().filter(x -> x.key().equals(endpoint)).findFirst().orElseThrow();
    return pod.ips().stream().filter(ip -> ip.v6() == (family == Family.V6)).findFirst()
        .orElseThrow();
  }
}
