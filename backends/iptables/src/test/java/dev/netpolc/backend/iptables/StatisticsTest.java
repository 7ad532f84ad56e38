package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.backend.iptables.sim.IptRuleset;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code statistics()} counts line by line; its counts equal those of the artifact read back by
 * the simulator's reader (chains and rules with the hook jumps, sets and elements after the
 * fill-and-swap), for the demo (cluster-wide, per node, node traffic policed) and a generated
 * cluster within the ipset budget, over it (identity sets and the mangle table) and at 0.
 */
class StatisticsTest {

  @Test
  void lineCountsEqualTheReadBackCounts() throws BackendException {
    Cluster demo = Fixtures.demo();
    check(Fixtures.compile(demo, CompileOptions.DEFAULTS), BackendOptions.DEFAULTS);
    check(Fixtures.compile(demo, CompileOptions.DEFAULTS.withNode("node-a")), BackendOptions.DEFAULTS);
    check(Fixtures.compile(demo, CompileOptions.DEFAULTS.withNode("node-b").withSemantics(
        CompileOptions.DEFAULTS.semantics().withAllowNodeToLocalPods(false))), BackendOptions.DEFAULTS);
    RuleGraph large = Fixtures.compile(LargeClusterGen.generate(7, 300, 60), CompileOptions.DEFAULTS);
    for (String max : List.of("200", "5", "0")) {
      check(large, BackendOptions.DEFAULTS.with("maxIpsets", max));
    }
  }

  private static void check(RuleGraph g, BackendOptions options) throws BackendException {
    Artifact a = Fixtures.emit(g, options);
    IptArtifactReader r = IptablesBackend.read(a);
    SortedMap<String, Long> expected = new TreeMap<>();
    long chains = 0;
    long rules = 0;
    for (Optional<IptRuleset> rs : List.of(r.v4(), r.v6())) {
      if (rs.isPresent()) {
        chains += rs.get().userChainCount();
        rules += rs.get().ruleCount();
      }
    }
    expected.put("chains", chains);
    expected.put("rules", rules);
    expected.put("ipsets", (long) r.sets().size());
    expected.put("ipsetElements", r.sets().values().stream().mapToLong(s -> s.entries().size()).sum());
    SortedMap<String, Long> stats = new IptablesBackend().statistics(a);
    assertThat(stats).as(options.extra().toString()).containsAllEntriesOf(expected).containsKey("setsNeeded");
    assertThat(chains).isPositive();
  }
}
