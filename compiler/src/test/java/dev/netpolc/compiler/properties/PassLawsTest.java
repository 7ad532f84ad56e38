package dev.netpolc.compiler.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.ir.GraphSize;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.passes.Pass;
import dev.netpolc.compiler.passes.Passes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Laws every pass obeys on generated graphs, and determinism of the whole compiler. */
class PassLawsTest {
  /** Enough to shrink a cluster to a readable case without minutes of searching. */
  private static final int SHRINK_CYCLES = 300;

  @Test
  void everyPassIsIdempotentAndNeverGrowsTheGraph() {
    qt().withExamples(300).withShrinkCycles(SHRINK_CYCLES).forAll(ClusterGen.clusters()).checkAssert(c -> {
      RuleGraph literal = Deciders.compile(c, CompileOptions.DEFAULTS.withoutPasses());
      RuleGraph optimised = Deciders.compile(c, CompileOptions.DEFAULTS);
      for (RuleGraph input : List.of(literal, optimised)) {
        for (Pass p : Passes.DEFAULT_ORDER) {
          RuleGraph once = p.apply(input);
          assertThat(p.apply(once)).as("%s applied twice", p.name()).isEqualTo(once);
          GraphSize before = input.size();
          GraphSize after = once.size();
          assertThat(after.rules()).as("%s rules", p.name()).isLessThanOrEqualTo(before.rules());
          assertThat(after.addressElements()).as("%s CIDRs", p.name()).isLessThanOrEqualTo(before.addressElements());
          assertThat(after.portRanges()).as("%s port ranges", p.name()).isLessThanOrEqualTo(before.portRanges());
          assertThat(after.groups()).as("%s groups", p.name()).isLessThanOrEqualTo(before.groups());
          assertThat(after.endpoints()).as("%s endpoints", p.name()).isEqualTo(before.endpoints());
        }
      }
    });
  }

  @Test
  void compilingTwiceGivesEqualGraphsAndStats() {
    qt().withExamples(200).withShrinkCycles(SHRINK_CYCLES).forAll(ClusterGen.clusters()).checkAssert(c -> {
      CompileResult first = new Compiler().compile(c, CompileOptions.DEFAULTS);
      CompileResult second = new Compiler().compile(c, CompileOptions.DEFAULTS);
      assertThat(second.graph()).isEqualTo(first.graph());
      assertThat(second.graph().toString()).isEqualTo(first.graph().toString());
      assertThat(second.graph().addressSets()).containsExactlyElementsOf(first.graph().addressSets());
      assertThat(second.stats().withoutTimings()).isEqualTo(first.stats().withoutTimings());
    });
  }

  @Test
  void theOrderOfInputObjectsDoesNotChangeTheGraph() {
    qt().withExamples(200).withShrinkCycles(SHRINK_CYCLES).forAll(ClusterGen.clusters()).checkAssert(c -> {
      dev.netpolc.model.Cluster reversed = new dev.netpolc.model.Cluster(reverse(c.namespaces()),
          reverse(c.pods()), reverse(c.nodes()), reverse(c.policies()));
      for (CompileOptions o : List.of(CompileOptions.DEFAULTS, CompileOptions.DEFAULTS.withoutPasses())) {
        RuleGraph inOrder = new Compiler().compile(c, o).graph();
        RuleGraph backwards = new Compiler().compile(reversed, o).graph();
        assertThat(backwards.toString()).isEqualTo(inOrder.toString());
        assertThat(backwards).isEqualTo(inOrder);
      }
    });
  }

  private static <T> List<T> reverse(List<T> xs) {
    List<T> out = new java.util.ArrayList<>(xs);
    java.util.Collections.reverse(out);
    return out;
  }
}
