package dev.netpolc.compiler.properties;

import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compiled graph decides every probed connection as the reference evaluator does: without
 * passes, with all passes, and with each pass alone.
 */
class CompilerEquivalenceTest {
  /** Enough to shrink a cluster to a readable case without minutes of searching. */
  private static final int SHRINK_CYCLES = 300;

  @Test
  void everyPassSelectionAgreesWithTheReference() {
    qt().withExamples(250).withShrinkCycles(SHRINK_CYCLES).forAll(ClusterGen.clusters())
        .checkAssert(c -> Deciders.assertPassSelectionsAgree(c, SemanticsOptions.DEFAULTS, true,
            ConnectionProbes.of(c)));
  }

  @Test
  void theSemanticsOptionsAgreeWithTheReference() {
    List<SemanticsOptions> variants = List.of(
        SemanticsOptions.DEFAULTS.withIpBlockMatchesPodIps(false),
        SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false),
        SemanticsOptions.DEFAULTS.withHostNetworkPodsArePolicyTargets(true));
    for (SemanticsOptions options : variants) {
      qt().withExamples(80).withShrinkCycles(SHRINK_CYCLES).forAll(ClusterGen.clusters())
          .checkAssert(c -> Deciders.assertPassSelectionsAgree(c, options, false, ConnectionProbes.of(c)));
    }
  }
}
