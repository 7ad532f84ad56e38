package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.backend.iptables.sim.IpSet;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.backend.iptables.sim.IptChain;
import dev.netpolc.backend.iptables.sim.IptRule;
import dev.netpolc.backend.iptables.sim.IptRuleset;
import dev.netpolc.backend.iptables.sim.IptablesSimulator;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.ChangeGen;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * For random clusters, ipset budgets and sequences of changes: after every step the delta
 * ({@code update} of the session's batch), applied in the simulator to the state the previous
 * artifact installed, leaves exactly the ipsets and chains of the full artifact of the session's
 * graph, never destroys a set a rule still uses, stays within its documented peak of ipsets,
 * and decides every probe as the reference evaluator does on the changed cluster.
 */
class IncrementalDeltaPropertyTest {
  private static final int EXAMPLES = 40;
  /** Fixed, so the count of fast-path deltas below is the same on every run. */
  private static final long SEED = 20261128L;
  private static final int STEPS = 6;
  private static final int[] BUDGETS = {200, 200, 3, 0};
  private final IptablesBackend ipt = new IptablesBackend();

  @Test
  void deltasReachTheFullArtifactAndDecideLikeTheReference() {
    int[] paths = new int[4];
    qt().withFixedSeed(SEED).withExamples(EXAMPLES).forAll(ClusterGen.clusters(), longs().all(), booleans().all(),
        integers().between(0, BUDGETS.length - 1))
        .checkAssert((c, seed, perNode, budget) -> {
          Optional<String> node = perNode && !c.nodes().isEmpty() ? Optional.of(c.nodes().get(0).name())
              : Optional.empty();
          CompileOptions o = node.map(CompileOptions.DEFAULTS::withNode).orElse(CompileOptions.DEFAULTS);
          run(c, o, BackendOptions.DEFAULTS.with("maxIpsets", Integer.toString(BUDGETS[budget])),
              new Random(seed), paths);
        });
    // Generated clusters rarely change peers only (most pod events move a policed pod): random
    // changes on a cluster whose node-1 sees pods of node-2 only as peers.
    for (long seed = 1; seed <= 8; seed++) {
      run(Fixtures.read("delta"), CompileOptions.DEFAULTS.withNode("node-1"), BackendOptions.DEFAULTS,
          new Random(seed), paths);
    }
    assertThat(paths[0]).as("fast-path deltas with element changes (fast, diff, full, empty: %s)",
        List.of(paths[0], paths[1], paths[2], paths[3])).isGreaterThan(0);
    assertThat(paths[1]).as("diff deltas").isGreaterThan(0);
  }

  private void run(Cluster c, CompileOptions o, BackendOptions opts, Random r, int[] paths) {
    CompilerSession s = new Compiler().session(c, o);
    Artifact installed = emit(s, opts);
    for (int step = 0; step < STEPS; step++) {
      ClusterChange change = ChangeGen.next(s.cluster(), r, step);
      GraphUpdate u = s.apply(List.of(change));
      Delta d = update(installed, u, opts);
      paths[kind(d)]++;
      Artifact full = emit(s, opts);
      String where = "step " + step + " " + change + " (" + (u.incremental() ? "incremental" : u.fallbackReason())
          + ")\ndelta:\n" + String.join("\n", d.files().values()) + "\nbefore:\n"
          + String.join("\n", installed.files().values());
      IptArtifactReader applied;
      try {
        applied = IptablesBackend.read(installed, d);
      } catch (BackendException e) {
        throw new AssertionError("delta does not apply: " + e.getMessage() + "\n" + where, e);
      }
      IptArtifactReader expected = read(full);
      assertThat(state(applied)).as(where).isEqualTo(state(expected));
      Set<String> union = new HashSet<>(read(installed).sets().keySet());
      union.addAll(expected.sets().keySet());
      assertThat(applied.peakSets()).as("peak ipsets; " + where).isLessThanOrEqualTo(union.size() + 1);
      ReferenceEvaluator ref = new ReferenceEvaluator(s.cluster(), o.semantics());
      List<Connection> probes = ConnectionProbes.of(s.cluster());
      VerifyReport rep = Verifier.verify(ref, o.node(), new IptablesSimulator(applied.v4(), applied.v6(),
          SimulationContext.of(s.graph()).nodeAddresses()), probes, 1);
      if (!rep.agrees()) {
        throw new AssertionError(rep.first().get(0).toText() + where);
      }
      installed = full;
    }
  }

  /** 0: fast path with element changes, 1: diff, 2: full replacement through apply.sh, 3: empty fast path. */
  static int kind(Delta d) {
    if (d.files().containsKey(IptablesBackend.APPLY_FILE)) {
      return 2;
    }
    String sets = d.files().get(DeltaWriter.SETS_FILE);
    if (!sets.contains("element changes of one update")) {
      return 1;
    }
    return sets.lines().anyMatch(l -> !l.startsWith("#")) ? 0 : 3;
  }

  private Artifact emit(CompilerSession s, BackendOptions opts) {
    try {
      return ipt.emit(s.graph(), opts);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }

  private Delta update(Artifact installed, GraphUpdate u, BackendOptions opts) {
    try {
      return ipt.update(installed, u, opts);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }

  private static IptArtifactReader read(Artifact a) {
    try {
      return IptablesBackend.read(a);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }

  /** Sets with sorted entries; filter and mangle chains with their rules, without source lines. */
  static TreeMap<String, String> state(IptArtifactReader r) {
    TreeMap<String, String> out = new TreeMap<>();
    for (IpSet s : r.sets().values()) {
      List<String> entries = new ArrayList<>();
      s.entries().forEach(e -> entries.add(e.toString()));
      entries.sort(null);
      out.put("set " + s.name(), s.type() + " " + s.v6() + " " + s.skbinfo() + " " + entries);
    }
    for (Optional<IptRuleset> rs : List.of(r.v4(), r.v6())) {
      rs.ifPresent(x -> {
        table(out, (x.v6() ? "6" : "4") + " filter ", x.chains());
        table(out, (x.v6() ? "6" : "4") + " mangle ", x.mangle());
      });
    }
    return out;
  }

  private static void table(TreeMap<String, String> out, String label, Map<String, IptChain> chains) {
    for (IptChain ch : chains.values()) {
      List<String> rules = new ArrayList<>();
      for (IptRule rule : ch.rules()) {
        rules.add(rule.matches().stream().map(m -> m instanceof dev.netpolc.backend.iptables.sim.Match.SetLookup l
            ? "set " + l.set().name() + " " + l.source() + " " + l.negated() : m.toString()).toList()
            + " " + targetText(rule) + " " + rule.comment());
      }
      out.put(label + ch.name(), ch.policy() + " " + rules);
    }
  }

  /** A rule's target without the set contents a map-set effect holds (compared with the sets). */
  private static String targetText(IptRule rule) {
    return rule.target().kind() + " " + rule.target().chain() + " " + rule.target().effect().map(e ->
        e instanceof dev.netpolc.backend.iptables.sim.Target.MapMark mm ? "map " + mm.set().name() + mm.source()
            : e.toString()).orElse("");
  }
}
