package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.backend.nftables.sim.NftSet;
import dev.netpolc.backend.nftables.sim.NftSimulator;
import dev.netpolc.backend.nftables.sim.Ruleset;
import dev.netpolc.backend.nftables.sim.Table;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ChangeGen;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * For random clusters and random sequences of changes: after every step the delta, applied in
 * the simulator to the ruleset installed before it, gives exactly the sets, maps and chains of
 * the full ruleset of the session's graph, and that ruleset decides every probe as the reference
 * evaluator does on the changed cluster (so the session's graph decides like a fresh compile).
 */
class IncrementalDeltaPropertyTest {
  private static final int EXAMPLES = 60;
  private static final int STEPS = 6;
  private final NftablesBackend nft = new NftablesBackend();

  @Test
  void deltasReachTheFullRulesetAndDecideLikeTheReference() {
    int[] fast = new int[2];
    qt().withExamples(EXAMPLES).forAll(ClusterGen.clusters(), longs().all(), booleans().all())
        .checkAssert((c, seed, perNode) -> {
          Optional<String> node = perNode && !c.nodes().isEmpty() ? Optional.of(c.nodes().get(0).name())
              : Optional.empty();
          CompileOptions o = node.map(CompileOptions.DEFAULTS::withNode).orElse(CompileOptions.DEFAULTS);
          run(c, o, new Random(seed), fast);
        });
    // The generator is biased to pod events that keep groups: the fast path must be exercised.
    assertThat(fast[0]).as("incremental updates of %s", fast[0] + fast[1]).isGreaterThan(fast[1] / 4);
  }

  private void run(Cluster c, CompileOptions o, Random r, int[] fast) {
    BackendOptions opts = BackendOptions.DEFAULTS;
    CompilerSession s = new Compiler().session(c, o);
    Artifact installed = emit(s, opts);
    for (int step = 0; step < STEPS; step++) {
      ClusterChange change = ChangeGen.next(s.cluster(), r, step);
      GraphUpdate u = s.apply(List.of(change));
      fast[u.incremental() ? 0 : 1]++;
      Delta d = update(installed, u, opts);
      Artifact full = emit(s, opts);
      String where = "step " + step + " " + change + " (" + (u.incremental() ? "incremental" : u.fallbackReason())
          + ")\ndelta:\n" + d.files().get(NftablesBackend.DELTA_FILE) + "\nbefore:\n" + installed.primary();
      Ruleset applied;
      try {
        applied = NftablesBackend.parse(installed, d);
      } catch (BackendException e) {
        throw new AssertionError("delta does not apply: " + e.getMessage() + "\n" + where, e);
      }
      Ruleset expected = parse(full);
      assertThat(state(applied)).as(where).isEqualTo(state(expected));
      ReferenceEvaluator ref = new ReferenceEvaluator(s.cluster(), o.semantics());
      List<Connection> probes = ConnectionProbes.of(s.cluster());
      VerifyReport rep = Verifier.verify(ref, o.node(),
          new NftSimulator(applied, SimulationContext.of(s.graph()).nodeAddresses()), probes, 1);
      if (!rep.agrees()) {
        throw new AssertionError(rep.first().get(0).toText() + where);
      }
      installed = full;
    }
  }

  private Artifact emit(CompilerSession s, BackendOptions opts) {
    try {
      return nft.emit(s.graph(), opts);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }

  private Delta update(Artifact installed, GraphUpdate u, BackendOptions opts) {
    try {
      return nft.update(installed, u, opts);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }

  private static Ruleset parse(Artifact a) {
    try {
      return NftablesBackend.parse(a);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }

  /** The parsed state without source positions: sets with sorted elements, chains with their rules. */
  static TreeMap<String, String> state(Ruleset rs) {
    TreeMap<String, String> out = new TreeMap<>();
    for (Table t : rs.tables()) {
      for (NftSet set : t.sets()) {
        List<String> elems = new ArrayList<>();
        set.elements().forEach(e -> elems.add(e.key() + " " + e.verdict()));
        elems.sort(null);
        out.put(t.name() + " " + set.kind() + " " + set.name(), set.keyTypes() + " " + set.interval() + " "
            + set.comment() + " " + elems);
      }
      t.chains().forEach(ch -> {
        List<String> rules = new ArrayList<>();
        ch.rules().forEach(rule -> rules.add(strip(rule.statements().toString()) + " " + rule.comment()));
        out.put(t.name() + " chain " + ch.name(), strip(String.valueOf(ch.base())) + " " + rules);
      });
    }
    return out;
  }

  private static String strip(String s) {
    return s.replaceAll("position=[^,\\])]*", "");
  }
}
