package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random tiered rule graphs ({@link TieredGraphGen}: several groups, all three tiers with random
 * priorities and Allow/Deny/Pass, isolated and non-isolated groups, overlapping peers, port
 * ranges, every-protocol rules, IPv4 and IPv6, per node and cluster-wide, node addresses and the
 * node-local options): the emitted maps, read back from maps.json and maps.batch and simulated
 * with the datapath's lookups, decide every probe as {@link RuleGraphEvaluator} does, and the
 * entry that decides names the rule the evaluator's first match would (or no rule for the
 * defaults); the files are byte-identical when the graph is rebuilt. The map diff between two
 * such graphs turns one set of maps into the other.
 */
class TieredEquivalencePropertyTest {

  @Test
  void simulatedMapsDecideLikeTheRuleGraph() {
    qt().withExamples(200).forAll(TieredGraphGen.cases()).checkAssert(c -> {
      RuleGraph g = c.graph();
      Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
      EbpfMaps maps = Fixtures.maps(g);
      EbpfSimulator sim = new EbpfSimulator(maps);
      RuleGraphEvaluator ref = new RuleGraphEvaluator(g);
      // Deterministic: the same graph, rebuilt, gives byte-identical files.
      assertThat(Fixtures.emit(g.toBuilder().build(), BackendOptions.DEFAULTS).files()).isEqualTo(a.files());
      try {
        for (String file : a.files().keySet()) {
          assertThat(EbpfBackend.read(Artifact.of(a.backend(), file, a.files().get(file)))).as(file).isEqualTo(maps);
        }
      } catch (BackendException e) {
        throw new AssertionError(e.getMessage() + "\n" + c, e);
      }
      for (Connection p : c.probes()) {
        if (sim.allows(p) != ref.allows(p)) {
          throw new AssertionError(p + ": maps say " + sim.allows(p) + ", the graph says " + ref.allows(p) + "\n" + c
              + a.files().get(MapsJson.FILE));
        }
      }
    });
  }

  /**
   * Peer classes only choose where entries go: with identities grouped into classes by any
   * threshold and any cap (1: one class, as if there were no classes; small caps fold classes
   * together), the maps still decide every probe as the graph, and the deciding entry names the
   * evaluator's rule.
   */
  @Test
  void anyGroupingIntoPeerClassesDecidesTheSame() {
    qt().withExamples(150).forAll(TieredGraphGen.cases(), integers().between(1, 4), integers().between(1, 3))
        .checkAssert((c, minIdentities, maxClasses) -> {
          RuleGraph g = c.graph();
          EbpfMaps maps;
          try {
            maps = MapsEmitter.emit(g, MapLimits.DEFAULTS,
                Identities.of(g, minIdentities, maxClasses));
          } catch (BackendException e) {
            throw new AssertionError(e.getMessage(), e);
          }
          assertThat(maps.ident4().stream().mapToInt(e -> e.value().peerClass()).max().orElse(0))
              .isLessThan(maxClasses);
          EbpfSimulator sim = new EbpfSimulator(maps);
          RuleGraphEvaluator ref = new RuleGraphEvaluator(g);
          for (Connection p : c.probes()) {
            assertThat(sim.allows(p)).as("%s with classes (%d, %d)\n%s", p, minIdentities, maxClasses, c)
                .isEqualTo(ref.allows(p));
          }
          assertDecidingRules(g, maps, c.probes(), c);
        });
  }

  @Test
  void theDecidingEntryNamesTheEvaluatorsRule() {
    qt().withExamples(100).forAll(TieredGraphGen.cases()).checkAssert(c -> assertDecidingRules(c.graph(),
        Fixtures.maps(c.graph()), c.probes(), c));
  }

  /**
   * Graphs with one to six ordered tiers (the compiler's {@code TieredGraphGen.multiTierCases()}:
   * dialect tiers before, between and after the standard ones, catch-all Deny and Pass ends),
   * cluster-wide and per node: the maps, read back from both files, decide every probe as the
   * IR evaluator, and the deciding entry names the evaluator's rule and its tier byte.
   */
  @Test
  void multiTierMapsDecideLikeTheRuleGraph() {
    int[] dialect = new int[2]; // graphs with a dialect tier; entries with a dialect tier byte
    qt().withExamples(150).forAll(dev.netpolc.compiler.gen.TieredGraphGen.multiTierCases()).checkAssert(c -> {
      dialect[0] += c.clusterWide().tiers().stream().anyMatch(t -> !t.isStandard()) ? 1 : 0;
      List<RuleGraph> graphs = new java.util.ArrayList<>(List.of(c.clusterWide()));
      dev.netpolc.compiler.gen.TieredGraphGen.NODES.forEach(n -> graphs.add(c.forNode(n)));
      for (RuleGraph g : graphs) {
        Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
        EbpfMaps maps = Fixtures.maps(g);
        try {
          for (String file : a.files().keySet()) {
            assertThat(EbpfBackend.read(Artifact.of(a.backend(), file, a.files().get(file)))).as(file).isEqualTo(maps);
          }
        } catch (BackendException e) {
          throw new AssertionError(e.getMessage() + "\n" + c, e);
        }
        dialect[1] += (int) maps.policy().stream().filter(e -> e.value().tier() > PolicyValue.BASELINE_TIER).count();
        EbpfSimulator sim = new EbpfSimulator(maps);
        RuleGraphEvaluator ref = new RuleGraphEvaluator(g);
        for (Connection p : c.probes()) {
          if (sim.allows(p) != ref.allows(p)) {
            throw new AssertionError(g.node().map(n -> "node " + n).orElse("cluster-wide") + ", " + p + ": maps say "
                + sim.allows(p) + ", the graph says " + ref.allows(p) + "\n" + g + a.files().get(MapsJson.FILE));
          }
        }
        assertDecidingRules(g, maps, c.probes(), c);
      }
    });
    System.out.println("dialect coverage: " + java.util.Arrays.toString(dialect));
    assertThat(dialect[0]).as("graphs with a dialect tier").isGreaterThan(75);
    assertThat(dialect[1]).as("entries decided in a dialect tier").isGreaterThan(75);
  }

  static void assertDecidingRules(RuleGraph g, EbpfMaps maps, List<Connection> probes, Object c) {
    {
      EbpfSimulator sim = new EbpfSimulator(maps);
      List<EndpointGroup> groups = g.groups();
      for (Connection p : probes) {
        for (Direction d : Direction.values()) {
          var local = g.endpointAt(d == Direction.EGRESS ? p.source() : p.destination());
          if (local.isEmpty()) {
            continue;
          }
          EndpointGroup grp = g.groupOfPod(local.get().pod()).orElseThrow();
          int index = MapsEmitter.groupNumbers(g)[groups.indexOf(grp)];
          EndpointValue e = maps.endpoints().stream().filter(x -> x.value().group() == index).findFirst()
              .orElseThrow().value();
          var peer = d == Direction.EGRESS ? p.destination() : p.source();
          boolean ownNode = g.options().allowNodeToLocalPods() && local.get().node()
              .map(n -> g.nodeAddresses().containsKey(n) && g.nodeAddresses().get(n).contains(peer)).orElse(false);
          if (ownNode && (d == Direction.INGRESS || g.options().nodeLocalExemptFromAllTiers())) {
            continue; // passed before any lookup
          }
          PolicyValue want = expected(g, grp, d, ownNode, p);
          PolicyValue got = sim.verdict(e, d, ownNode, peer, p).orElse(PolicyValue.DEFAULT_ALLOW);
          if (got.action() == Action.ALLOW && want.action() == Action.ALLOW) {
            continue; // an allow may come from a direction nothing is looked up in
          }
          assertThat(got).as("%s %s\n%s", d, p, c).isEqualTo(want);
        }
      }
    }
  }

  /**
   * The evaluator's decision with its deciding rule: first match per tier, as
   * RuleGraphEvaluator.decide (without the NetworkPolicy tier for the pod's own node).
   */
  private static PolicyValue expected(RuleGraph g, EndpointGroup grp, Direction d, boolean ownNode, Connection p) {
    var rules = g.rules(grp.id(), d);
    int first = g.rules().indexOf(rules.isEmpty() ? null : rules.get(0));
    var peer = d == Direction.EGRESS ? p.destination() : p.source();
    Map<Tier, Integer> tierBytes;
    try {
      tierBytes = PolicyValue.tierBytes(g.tiers());
    } catch (BackendException e) {
      throw new AssertionError(e.getMessage(), e);
    }
    // The tiers of the rules in rank order, with the NetworkPolicy tier (for its isolation) even without rules.
    java.util.TreeSet<Tier> tiers = new java.util.TreeSet<>(List.of(Tier.NETWORK_POLICY));
    rules.forEach(r -> tiers.add(r.tier()));
    int i = 0;
    for (Tier tier : tiers) {
      boolean skip = ownNode && tier.equals(Tier.NETWORK_POLICY);
      int hit = -1;
      for (; i < rules.size() && rules.get(i).tier().equals(tier); i++) {
        if (hit < 0 && !skip && rules.get(i).matches(peer, p.protocol(), p.port())) {
          hit = i;
        }
      }
      if (hit >= 0 && rules.get(hit).action() != Action.PASS) {
        var r = rules.get(hit);
        return new PolicyValue(r.action(), tierBytes.get(r.tier()), r.priority(), MapsEmitter.ruleNumbers(g)[first + hit]);
      }
      if (hit < 0 && !skip && tier.equals(Tier.NETWORK_POLICY) && grp.isolated(d)) {
        return PolicyValue.ISOLATION_DENY;
      }
    }
    return PolicyValue.DEFAULT_ALLOW;
  }

  @Test
  void theMapDiffBetweenTieredGraphsGivesTheNextMaps() {
    qt().withExamples(40).forAll(TieredGraphGen.cases(), TieredGraphGen.cases()).checkAssert((x, y) -> {
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
