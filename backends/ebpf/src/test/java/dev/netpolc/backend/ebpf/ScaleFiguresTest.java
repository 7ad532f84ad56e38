package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The entry counts of the README, checked and printed (no timing): every map for examples/demo
 * per node and cluster-wide, and for the generated 5,000-pod, 500-policy cluster (seed 42),
 * which must fit the default maximum of every map.
 */
class ScaleFiguresTest {

  @Test
  void demo() throws BackendException {
    Map<EbpfMap, Integer> a = report("examples/demo node-a", Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-a"));
    report("examples/demo node-b", Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-b"));
    Map<EbpfMap, Integer> all = report("examples/demo cluster-wide", Fixtures.demo(), CompileOptions.DEFAULTS);
    // Per node: no host pairs (the HOST flag instead); cluster-wide: one per pod address and node address.
    assertThat(a.get(EbpfMap.HOST_PODS)).isZero();
    assertThat(all.get(EbpfMap.HOST_PODS)).isPositive();
    assertThat(a.get(EbpfMap.POLICY)).isPositive();
  }

  /** Minutes on a shared 2-core machine: run with -Dnetpolc.scaleFigures=true. */
  @Test
  void largeCluster() throws BackendException {
    Assumptions.assumeTrue(Boolean.getBoolean("netpolc.scaleFigures"),
        "large-cluster figures skipped: run with -Dnetpolc.scaleFigures=true");
    Cluster large = LargeClusterGen.generate(42, 5000, 500);
    report("generated 5000 pods / 500 policies (seed 42) cluster-wide", large, CompileOptions.DEFAULTS);
    for (String node : large.nodes().stream().map(n -> n.name()).sorted().limit(3).toList()) {
      report("generated 5000 pods / 500 policies (seed 42) node " + node, large, CompileOptions.DEFAULTS.withNode(node));
    }
  }

  private static Map<EbpfMap, Integer> report(String label, Cluster c, CompileOptions options) throws BackendException {
    RuleGraph g = Fixtures.compile(c, options);
    EbpfMaps m = new EbpfBackend().maps(g, BackendOptions.DEFAULTS);
    for (EbpfMap map : EbpfMap.values()) {
      assertThat(m.count(map)).isLessThanOrEqualTo(EbpfMap.DEFAULT_MAX_ENTRIES);
    }
    long bytes = 0;
    for (EbpfMap map : EbpfMap.values()) {
      bytes += (long) m.count(map) * (map.keySize() + map.valueSize());
    }
    System.out.printf("%s: %s; %d key+value bytes; %d atoms; IR %s%n", label, m.counts(), bytes,
        g.atoms().map(a -> a.size()).orElse(-1), g.size());
    return m.counts();
  }
}
