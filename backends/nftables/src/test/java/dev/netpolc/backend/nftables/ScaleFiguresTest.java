package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.nftables.sim.Chain;
import dev.netpolc.backend.nftables.sim.NftParser;
import dev.netpolc.backend.nftables.sim.Table;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The size argument of the README, checked and printed (no timing): every group chain has at most
 * four nft rules per IR rule of its group (per address family, one for the addresses and one for
 * the prefixes of its peer set) plus the conntrack and default-deny lines, whatever the number of peers and ports; and the counts for examples/demo
 * and a generated 5,000-pod, 500-policy cluster.
 */
class ScaleFiguresTest {

  @Test
  void demoChainLengthIsBoundedByTheGroupsIrRules() {
    report("examples/demo cluster-wide", Fixtures.demo(), CompileOptions.DEFAULTS);
    report("examples/demo node-a", Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-a"));
  }

  /** Minutes on a shared 2-core machine (two 5,000-pod compiles): run with -Dnetpolc.scaleFigures=true. */
  @Test
  void largeClusterChainLengthIsBoundedByTheGroupsIrRules() {
    Assumptions.assumeTrue(Boolean.getBoolean("netpolc.scaleFigures"),
        "large-cluster figures skipped: run with -Dnetpolc.scaleFigures=true");
    Cluster large = LargeClusterGen.generate(7, 5000, 500);
    report("generated 5000 pods / 500 policies cluster-wide", large, CompileOptions.DEFAULTS);
    report("generated 5000 pods / 500 policies node node1", large, CompileOptions.DEFAULTS.withNode("node1"));
  }

  private static void report(String label, Cluster c, CompileOptions options) {
    RuleGraph g = Fixtures.compile(c, options);
    Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
    Table t = NftParser.parse(a.primary(), "scale.nft").tables().get(0);
    Map<String, Integer> chainRules = new HashMap<>();
    for (Chain ch : t.chains()) {
      chainRules.put(ch.name(), ch.rules().size());
    }
    int longest = 0;
    for (EndpointGroup grp : g.groups()) {
      for (Direction d : Direction.values()) {
        int ir = g.rules(grp.id(), d).size();
        String name = "g_" + NftNames.hashes(java.util.List.of(grp.id())).get(grp.id())
            + (d == Direction.INGRESS ? "_in" : "_out");
        // Names hash with the default width unless groups collide, which these inputs do not.
        int nft = chainRules.getOrDefault(name, 0);
        assertThat(nft).as(label + " " + name).isLessThanOrEqualTo(4 * ir + 2);
        longest = Math.max(longest, nft);
      }
    }
    System.out.printf("%s: %s; IR %s; longest group chain %d rules%n", label, RulesetStats.of(
        NftParser.parse(a.primary(), "scale.nft")).toMap(), g.size(), longest);
  }
}
