package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.nftables.sim.NftParser;
import dev.netpolc.backend.nftables.sim.NftSimulator;
import dev.netpolc.backend.nftables.sim.NftSyntaxException;
import dev.netpolc.backend.nftables.sim.Ruleset;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.Draw;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Deltas between tiered graphs: random sequences of changes ({@link TieredGraphGen#mutate}:
 * priorities, tiers, actions, added, removed and reordered rules, isolation, endpoints moving
 * between groups, the node-local options) on random tiered graphs, cluster-wide or per node.
 * After every step the delta, applied in the simulator to the ruleset installed before it,
 * gives exactly the sets, maps and chains of the full ruleset of the new graph, and decides
 * every probe as the IR evaluator does on it. (Tiered graphs do not come from a
 * {@code CompilerSession} yet, so these deltas are the full diff; the fast path's refusal of
 * node-local members is tested in {@code NodeLocalFastPathTest}.)
 */
class TieredDeltaPropertyTest {
  private static final int EXAMPLES = 80;
  private static final int STEPS = 5;
  private static final int REAL_EXAMPLES = 10;
  private final NftablesBackend nft = new NftablesBackend();

  @Test
  void deltasBetweenTieredGraphsReachTheFullRuleset() {
    Map<TieredGraphGen.Change, Integer> changed = new EnumMap<>(TieredGraphGen.Change.class);
    int[] replacements = new int[2];
    qt().withExamples(EXAMPLES).forAll(TieredGraphGen.cases(), longs().all(), integers().between(0, 2))
        .checkAssert((c, seed, where) -> {
          Optional<String> node = where == 0 ? Optional.empty() : Optional.of(TieredGraphGen.NODES.get(where - 1));
          Random random = new Random(seed);
          Draw d = Draw.of(random);
          RuleGraph cluster = c.clusterWide();
          Artifact installed = emit(view(cluster, node));
          for (int step = 0; step < STEPS; step++) {
            TieredGraphGen.Change change = d.pick(List.of(TieredGraphGen.Change.values()));
            RuleGraph nextCluster = TieredGraphGen.mutate(cluster, change, d);
            RuleGraph next = view(nextCluster, node);
            Delta delta;
            try {
              delta = nft.delta(installed, next, BackendOptions.DEFAULTS.withLogDrops(true));
            } catch (BackendException e) {
              throw new AssertionError(e);
            }
            Artifact full = emit(next);
            String text = delta.files().get(NftablesBackend.DELTA_FILE);
            if (!text.equals(full.primary())) {
              changed.merge(change, 1, Integer::sum);
            }
            replacements[text.equals(full.primary()) ? 1 : 0]++;
            String at = "step " + step + " " + change + " " + node + "\nbefore:\n" + installed.primary() + "\ndelta:\n"
                + text + "\nafter:\n" + full.primary();
            Ruleset applied;
            try {
              applied = NftablesBackend.parse(installed, delta);
            } catch (BackendException e) {
              throw new AssertionError("delta does not apply: " + e.getMessage() + "\n" + at, e);
            }
            assertThat(IncrementalDeltaPropertyTest.state(applied)).as(at)
                .isEqualTo(IncrementalDeltaPropertyTest.state(parse(full)));
            NftSimulator sim = new NftSimulator(applied, SimulationContext.of(next).nodeAddresses());
            RuleGraphEvaluator ir = new RuleGraphEvaluator(next);
            for (Connection p : c.probes()) {
              if (sim.allows(p) != ir.allows(p)) {
                throw new AssertionError(p + " IR " + ir.allows(p) + "\n" + next + at);
              }
            }
            cluster = nextCluster;
            installed = full;
          }
        });
    System.out.println("tiered nftables deltas: diffs by change " + changed + ", diffs " + replacements[0]
        + ", full replacements " + replacements[1]);
    for (TieredGraphGen.Change ch : TieredGraphGen.Change.values()) {
      assertThat(changed.getOrDefault(ch, 0)).as("diff deltas after %s: %s", ch, changed).isGreaterThan(0);
    }
  }

  /**
   * The real nft, in a throwaway netns, applies a sample of those deltas on the live table, and
   * lists the table it lists after loading the full ruleset of the same step.
   */
  @Test
  void realNftAppliesTieredDeltas() {
    try (RealNft real = RealNft.require()) {
      qt().withExamples(REAL_EXAMPLES).forAll(TieredGraphGen.cases(), longs().all(), integers().between(0, 2))
          .checkAssert((c, seed, where) -> {
            Optional<String> node = where == 0 ? Optional.empty() : Optional.of(TieredGraphGen.NODES.get(where - 1));
            Draw d = Draw.of(new Random(seed));
            RuleGraph cluster = c.clusterWide();
            Artifact installed = emit(view(cluster, node));
            RealNft.Result first = real.load(installed.primary());
            assertThat(first.ok()).as(first.stderr()).isTrue();
            for (int step = 0; step < STEPS; step++) {
              TieredGraphGen.Change change = d.pick(List.of(TieredGraphGen.Change.values()));
              cluster = TieredGraphGen.mutate(cluster, change, d);
              RuleGraph next = view(cluster, node);
              String delta;
              try {
                delta = nft.delta(installed, next, BackendOptions.DEFAULTS.withLogDrops(true)).files()
                    .get(NftablesBackend.DELTA_FILE);
              } catch (BackendException e) {
                throw new AssertionError(e);
              }
              RealNft.Result applied = real.withFileLoad(delta);
              assertThat(applied.ok()).as("nft -f delta (%s): %s%n%s%non%n%s", change, applied.stderr(), delta,
                  installed.primary()).isTrue();
              String afterDelta = real.nft("list", "table", "inet", "netpolc").stdout();
              installed = emit(next);
              RealNft.Result full = real.load(installed.primary());
              assertThat(full.ok()).as(full.stderr()).isTrue();
              String afterFull = real.nft("list", "table", "inet", "netpolc").stdout();
              try {
                assertThat(IncrementalDeltaPropertyTest.state(NftParser.parse(afterDelta, "after-delta")))
                    .as("%s delta:%n%s", change, delta)
                    .isEqualTo(IncrementalDeltaPropertyTest.state(NftParser.parse(afterFull, "after-full")));
              } catch (NftSyntaxException e) {
                throw new AssertionError(e);
              }
            }
          });
    }
  }

  private static RuleGraph view(RuleGraph cluster, Optional<String> node) {
    return node.map(n -> TieredGraphGen.restrict(cluster, n)).orElse(cluster);
  }

  private static Artifact emit(RuleGraph g) {
    return Fixtures.emit(g, BackendOptions.DEFAULTS.withLogDrops(true));
  }

  private static Ruleset parse(Artifact a) {
    try {
      return NftablesBackend.parse(a);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }
}
