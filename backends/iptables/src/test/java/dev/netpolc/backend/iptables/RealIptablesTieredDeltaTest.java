package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.gen.Draw;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.RuleGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real ipset and iptables-restore in a scratch network namespace: a tiered artifact loaded
 * with apply.sh, then random changes of the tiered graph ({@link TieredGraphGen#mutate}) each
 * applied with the delta's script; after every step the namespace's normalised sets and tables
 * equal those of the step's full artifact loaded fresh (as {@link RealIptablesDeltaTest} checks
 * session deltas).
 */
@Tag("kernel")
class RealIptablesTieredDeltaTest {
  private static final int EXAMPLES = 4;
  private static final int STEPS = 4;

  @Test
  void tieredDeltasLeaveWhatAFreshFullLoadLeaves() {
    IptablesBackend ipt = new IptablesBackend();
    try (RealIptables real = RealIptables.require()) {
      qt().withExamples(EXAMPLES).forAll(TieredGraphGen.cases(), longs().all(), integers().between(0, 2))
          .checkAssert((c, seed, where) -> {
            Optional<String> node = where == 0 ? Optional.empty() : Optional.of(TieredGraphGen.NODES.get(where - 1));
            BackendOptions opts = BackendOptions.DEFAULTS.withLogDrops(true);
            Draw d = Draw.of(new Random(seed));
            RuleGraph cluster = c.clusterWide();
            real.reset();
            Artifact installed = Fixtures.emit(view(cluster, node), opts);
            ok(real.apply(installed), "full load");
            for (int step = 0; step < STEPS; step++) {
              TieredGraphGen.Change change = d.pick(List.of(TieredGraphGen.Change.values()));
              cluster = TieredGraphGen.mutate(cluster, change, d);
              Artifact full = Fixtures.emit(view(cluster, node), opts);
              Delta delta;
              try {
                delta = ipt.delta(installed, view(cluster, node), opts);
              } catch (BackendException e) {
                throw new AssertionError(e);
              }
              Path dir = real.write(new Artifact(IptablesBackend.NAME, delta.files()));
              String script = delta.files().containsKey(DeltaWriter.APPLY_FILE) ? DeltaWriter.APPLY_FILE
                  : IptablesBackend.APPLY_FILE;
              String at = change + " " + node + ", delta:\n" + String.join("\n", delta.files().values());
              ok(real.sh("bash " + dir.resolve(script)), at);
              Map<String, List<String>> afterDelta = RealIptablesDeltaTest.state(real);
              real.reset();
              ok(real.apply(full), "fresh full load");
              assertThat(afterDelta).as(at).isEqualTo(RealIptablesDeltaTest.state(real));
              installed = full;
            }
          });
    }
  }

  private static RuleGraph view(RuleGraph cluster, Optional<String> node) {
    return node.map(n -> TieredGraphGen.restrict(cluster, n)).orElse(cluster);
  }

  private static void ok(RealIptables.Result r, String what) {
    assertThat(r.ok()).as(what + ": " + r.stderr()).isTrue();
  }
}
