package dev.netpolc.compiler.properties;

import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.passes.Passes;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        .checkAssert(c -> check(c, SemanticsOptions.DEFAULTS, true));
  }

  @Test
  void theSemanticsOptionsAgreeWithTheReference() {
    List<SemanticsOptions> variants = List.of(
        SemanticsOptions.DEFAULTS.withIpBlockMatchesPodIps(false),
        SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false),
        SemanticsOptions.DEFAULTS.withHostNetworkPodsArePolicyTargets(true));
    for (SemanticsOptions options : variants) {
      qt().withExamples(80).withShrinkCycles(SHRINK_CYCLES).forAll(ClusterGen.clusters()).checkAssert(c -> check(c, options, false));
    }
  }

  private static void check(Cluster c, SemanticsOptions options, boolean eachPass) {
    CompileOptions base = CompileOptions.DEFAULTS.withSemantics(options);
    Map<String, ConnectionDecider> candidates = new LinkedHashMap<>();
    candidates.put("-O0", Deciders.evaluator(c, base.withoutPasses()));
    candidates.put("all passes", Deciders.evaluator(c, base));
    if (eachPass) {
      for (String pass : Passes.names()) {
        candidates.put("only " + pass, Deciders.evaluator(c, base.withPasses(List.of(pass))));
      }
    }
    Deciders.assertAgree(new ReferenceEvaluator(c, options), "the reference (" + options + ")", candidates,
        ConnectionProbes.of(c));
  }
}
