package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.iptables.sim.IpsetLoader;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import java.util.SortedMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The figures of the README, checked and printed (no timing): chains, rules, ipsets and set
 * elements for examples/demo and a generated 5,000-pod, 500-policy cluster, which must load
 * within the kernel's 256-set limit.
 */
class ScaleFiguresTest {

  @Test
  void demo() throws BackendException {
    report("examples/demo cluster-wide", Fixtures.demo(), CompileOptions.DEFAULTS);
    report("examples/demo node-a", Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-a"));
    report("examples/demo node-b", Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-b"));
  }

  /** Minutes on a shared 2-core machine: run with -Dnetpolc.scaleFigures=true. */
  @Test
  void largeCluster() throws BackendException {
    Assumptions.assumeTrue(Boolean.getBoolean("netpolc.scaleFigures"),
        "large-cluster figures skipped: run with -Dnetpolc.scaleFigures=true");
    Cluster large = LargeClusterGen.generate(42, 5000, 500);
    report("generated 5000 pods / 500 policies cluster-wide", large, CompileOptions.DEFAULTS);
    report("generated 5000 pods / 500 policies node node1", large, CompileOptions.DEFAULTS.withNode("node1"));
    // The same cluster-wide artifact with all but 56 sets as mark bits, to show the density.
    RuleGraph g = Fixtures.compile(large, CompileOptions.DEFAULTS);
    for (String max : new String[] {"255", "0"}) {
      Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS.with("maxIpsets", max));
      System.out.printf("generated 5000 pods / 500 policies cluster-wide maxIpsets=%s: %s%n", max,
          new IptablesBackend().statistics(a));
    }
  }

  private static void report(String label, Cluster c, CompileOptions options) throws BackendException {
    RuleGraph g = Fixtures.compile(c, options);
    Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
    SortedMap<String, Long> stats = new IptablesBackend().statistics(a);
    assertThat(IptablesBackend.read(a).peakSets()).isLessThanOrEqualTo(IpsetLoader.MAX_SETS);
    assertThat(stats.get("ipsets")).isLessThanOrEqualTo(IptablesBackend.DEFAULT_MAX_IPSETS);
    long bytes = a.files().values().stream().mapToLong(String::length).sum();
    System.out.printf("%s: %s; %d bytes; IR %s%n", label, stats, bytes, g.size());
  }
}
