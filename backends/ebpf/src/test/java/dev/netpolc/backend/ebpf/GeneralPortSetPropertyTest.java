package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tiered graphs whose rules carry ICMP type/code ranges, whole protocols without ports,
 * other-protocols complements and per-protocol complements ({@link GeneralPortSetGen}): the maps,
 * read back from both files and simulated with the datapath's lookups, decide every probe (ICMP
 * messages by type and code, GRE and other protocols at their only value 0, ports at the sets'
 * edges) as {@link RuleGraphEvaluator}; the files are byte-identical when the graph is rebuilt;
 * map diffs between such graphs turn one set of maps into the other.
 */
class GeneralPortSetPropertyTest {

  @Test
  void simulatedMapsDecideLikeTheRuleGraph() {
    int[] seen = new int[4]; // graphs with: ICMP ranges, other-protocols sets, whole non-port protocols; ICMP denials
    qt().withExamples(200).forAll(GeneralPortSetGen.cases()).checkAssert(c -> {
      RuleGraph g = c.graph();
      List<PortSet> sets = g.rules().stream().map(Rule::ports).toList();
      seen[0] += sets.stream().anyMatch(s -> s.byProtocol().keySet().stream().anyMatch(PortSet::isIcmp)) ? 1 : 0;
      seen[1] += sets.stream().anyMatch(s -> s.otherProtocols() && !s.allProtocols()) ? 1 : 0;
      seen[2] += sets.stream().anyMatch(s -> s.byProtocol().containsKey(47) || s.byProtocol().containsKey(253)) ? 1
          : 0;
      Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
      EbpfMaps maps = Fixtures.maps(g);
      assertThat(Fixtures.emit(g.toBuilder().build(), BackendOptions.DEFAULTS).files()).isEqualTo(a.files());
      try {
        for (String file : a.files().keySet()) {
          assertThat(EbpfBackend.read(Artifact.of(a.backend(), file, a.files().get(file)))).as(file).isEqualTo(maps);
        }
      } catch (BackendException e) {
        throw new AssertionError(e.getMessage() + "\n" + c, e);
      }
      EbpfSimulator sim = new EbpfSimulator(maps);
      RuleGraphEvaluator ref = new RuleGraphEvaluator(g);
      boolean icmpDenied = false;
      for (Connection p : c.probes()) {
        boolean want = ref.allows(p);
        if (sim.allows(p) != want) {
          throw new AssertionError(p + ": maps say " + sim.allows(p) + ", the graph says " + want + "\n" + c
              + a.files().get(MapsJson.FILE));
        }
        icmpDenied |= !want && Connection.isIcmpProtocol(p.protocol());
      }
      seen[3] += icmpDenied ? 1 : 0;
      // The deciding entry names the evaluator's rule, for ICMP types and protocol 47 too.
      TieredEquivalencePropertyTest.assertDecidingRules(g, maps, c.probes(), c);
    });
    System.out.println("general port set coverage: " + java.util.Arrays.toString(seen));
    assertThat(seen[0]).as("graphs with ICMP type ranges").isGreaterThan(100);
    assertThat(seen[1]).as("graphs with other-protocols complements").isGreaterThan(50);
    assertThat(seen[2]).as("graphs with whole protocols without ports").isGreaterThan(50);
    assertThat(seen[3]).as("graphs denying some ICMP message").isGreaterThan(50);
  }

  @Test
  void theMapDiffBetweenSuchGraphsGivesTheNextMaps() {
    qt().withExamples(40).forAll(GeneralPortSetGen.cases(), GeneralPortSetGen.cases()).checkAssert((x, y) -> {
      EbpfMaps m1 = Fixtures.maps(x.graph());
      EbpfMaps m2 = Fixtures.maps(y.graph());
      List<MapCommand> diff = MapsDiff.between(m1, m2);
      assertThat(MapsDiff.apply(m1, diff)).isEqualTo(m2);
      try {
        Delta delta = new EbpfBackend().delta(Fixtures.emit(x.graph(), BackendOptions.DEFAULTS), y.graph(),
            BackendOptions.DEFAULTS);
        MapsBatch.Parsed parsed = MapsBatch.parse(EbpfBackend.DELTA_FILE, delta.files().get(EbpfBackend.DELTA_FILE));
        assertThat(parsed.commands()).isEqualTo(diff);
        EbpfSimulator after = new EbpfSimulator(MapsDiff.apply(m1, parsed.commands()));
        RuleGraphEvaluator ref = new RuleGraphEvaluator(y.graph());
        for (Connection p : y.probes()) {
          assertThat(after.allows(p)).as("%s after the delta\n%s", p, y).isEqualTo(ref.allows(p));
        }
      } catch (BackendException | MapsFormatException e) {
        throw new AssertionError(e.getMessage(), e);
      }
    });
  }
}
