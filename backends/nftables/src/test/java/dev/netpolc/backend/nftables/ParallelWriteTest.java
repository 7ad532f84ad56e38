package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Node;
import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.Preset;
import org.junit.jupiter.api.Test;

/**
 * A big graph is written on two threads ({@link RulesetWriter#PARALLEL_FROM}): the script must be
 * byte for byte the one a single thread writes, whatever the graph, the scope and the options.
 */
class ParallelWriteTest {

  @Test
  void twoThreadsWriteWhatOneThreadWrites() {
    qt().withExamples(150).forAll(ClusterGen.clusters(), booleans().all(), booleans().all())
        .checkAssert((c, nodeLocal, counters) -> {
          SemanticsOptions sem = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(nodeLocal);
          BackendOptions options = BackendOptions.DEFAULTS.withCounters(counters).withLogDrops(counters);
          assertSameBothWays(c, CompileOptions.DEFAULTS.withSemantics(sem), options);
          for (Node n : c.nodes()) {
            assertSameBothWays(c, CompileOptions.DEFAULTS.withSemantics(sem).withNode(n.name()), options);
          }
        });
  }

  @Test
  void aGeneratedClusterAboveTheThresholdIsWrittenInParallelAndAlike() {
    // antrea-large at 8 %: 8,000 pods, above the threshold, so the default writer forks.
    Cluster c = ClusterGenerator.generate(Preset.byName("antrea-large").orElseThrow().spec(3, 0.08));
    assertThat(c.pods().size()).isGreaterThanOrEqualTo(RulesetWriter.PARALLEL_FROM);
    RuleGraph g = Fixtures.compile(c, CompileOptions.DEFAULTS);
    String parallel = new RulesetWriter(g, BackendOptions.DEFAULTS, "filter").write();
    String single = new RulesetWriter(g, BackendOptions.DEFAULTS, "filter", Integer.MAX_VALUE).write();
    assertThat(parallel).isEqualTo(single);
    assertThat(parallel).contains("set bypass_4", "map ep_in4", "chain forward");
  }

  private static void assertSameBothWays(Cluster c, CompileOptions compile, BackendOptions options) {
    RuleGraph g = Fixtures.compile(c, compile);
    String parallel = new RulesetWriter(g, options, "filter", 0).write();
    String single = new RulesetWriter(g, options, "filter", Integer.MAX_VALUE).write();
    assertThat(parallel).as(compile.node().orElse("cluster-wide")).isEqualTo(single);
  }
}
