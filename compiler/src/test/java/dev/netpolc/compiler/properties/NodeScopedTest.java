package dev.netpolc.compiler.properties;

import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.reference.Endpoint;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Node;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A graph compiled for one node decides the checks that node enforces (egress of its pods,
 * ingress to its pods) as the reference does, and lets everything else through.
 */
class NodeScopedTest {
  /** Enough to shrink a cluster to a readable case without minutes of searching. */
  private static final int SHRINK_CYCLES = 300;

  @Test
  void aNodeGraphEnforcesExactlyItsOwnPodsChecks() {
    qt().withExamples(150).withShrinkCycles(SHRINK_CYCLES).forAll(ClusterGen.clusters())
        .checkAssert(NodeScopedTest::check);
  }

  @Test
  void aNodeGraphEnforcesExactlyItsOwnPodsChecksWithTieredPolicies() {
    qt().withExamples(150).withShrinkCycles(SHRINK_CYCLES).forAll(dev.netpolc.compiler.gen.TieredClusterGen.clusters())
        .checkAssert(NodeScopedTest::check);
  }

  @Test
  void aNodeGraphEnforcesExactlyItsOwnPodsChecksWithCalicoPolicies() {
    qt().withExamples(100).withShrinkCycles(SHRINK_CYCLES).forAll(dev.netpolc.compiler.gen.CalicoClusterGen.clusters())
        .checkAssert(NodeScopedTest::check);
  }

  private static void check(dev.netpolc.model.Cluster c) {
    {
      ReferenceEvaluator ref = new ReferenceEvaluator(c);
      for (Node n : c.nodes()) {
        ConnectionDecider local = Deciders.evaluator(c, CompileOptions.DEFAULTS.withNode(n.name()));
        ConnectionDecider localO0 = Deciders.evaluator(c, CompileOptions.DEFAULTS.withNode(n.name()).withoutPasses());
        ConnectionDecider expected = conn -> enforcedBy(ref.explain(conn), n.name());
        Deciders.assertAgree(expected, "the reference's checks on " + n.name(),
            Map.of("graph for " + n.name(), local, "-O0 graph for " + n.name(), localO0), ConnectionProbes.of(c));
      }
    }
  }

  /** The reference's decision restricted to the checks made on {@code node}. */
  private static boolean enforcedBy(Explanation e, String node) {
    if (e.shortcut() != Explanation.Shortcut.NONE) {
      return true;
    }
    boolean egress = !isLocalPod(e.source(), node) || e.egress().allowed();
    boolean ingress = !isLocalPod(e.destination(), node) || e.ingress().allowed();
    return egress && ingress;
  }

  private static boolean isLocalPod(Endpoint end, String node) {
    return end.kind() == Endpoint.Kind.POD && end.nodeName().equals(java.util.Optional.of(node));
  }

}
