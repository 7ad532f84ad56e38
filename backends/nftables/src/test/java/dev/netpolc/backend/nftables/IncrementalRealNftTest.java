package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.nftables.sim.NftParser;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.gen.ChangeGen;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real nft, in a throwaway network namespace, applies every delta of random change sequences
 * on top of the live table, and the table it then lists is the table it lists after loading the
 * full ruleset of the same step.
 */
class IncrementalRealNftTest {
  private static final int EXAMPLES = 12;
  private static final int STEPS = 5;
  private static RealNft nft;

  @BeforeAll
  static void open() {
    nft = RealNft.require();
  }

  @AfterAll
  static void close() {
    if (nft != null) {
      nft.close();
    }
  }

  @Test
  void realNftAppliesDeltasAndReachesTheFullTable() {
    NftablesBackend backend = new NftablesBackend();
    BackendOptions opts = BackendOptions.DEFAULTS;
    qt().withExamples(EXAMPLES).forAll(ClusterGen.clusters(), longs().all()).checkAssert((c, seed) -> {
      try {
        CompilerSession s = new Compiler().session(c, CompileOptions.DEFAULTS);
        Artifact installed = backend.emit(s.graph(), opts);
        RealNft.Result first = nft.load(installed.primary());
        assertThat(first.ok()).as(first.stderr()).isTrue();
        Random r = new Random(seed);
        for (int step = 0; step < STEPS; step++) {
          GraphUpdate u = s.apply(List.of(ChangeGen.next(s.cluster(), r, step)));
          Delta d = backend.update(installed, u, opts);
          String delta = d.files().get(NftablesBackend.DELTA_FILE);
          RealNft.Result applied = nft.withFileLoad(delta);
          assertThat(applied.ok()).as("nft -f delta: %s%n%s%non%n%s", applied.stderr(), delta, installed.primary())
              .isTrue();
          String afterDelta = nft.nft("list", "table", "inet", "netpolc").stdout();
          installed = backend.emit(s.graph(), opts);
          RealNft.Result full = nft.load(installed.primary());
          assertThat(full.ok()).as(full.stderr()).isTrue();
          String afterFull = nft.nft("list", "table", "inet", "netpolc").stdout();
          assertThat(IncrementalDeltaPropertyTest.state(NftParser.parse(afterDelta, "after-delta")))
              .as("delta:%n%s", delta)
              .isEqualTo(IncrementalDeltaPropertyTest.state(NftParser.parse(afterFull, "after-full")));
        }
      } catch (dev.netpolc.backend.BackendException e) {
        throw new AssertionError(e);
      }
    });
  }
}
