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
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyRule;
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
 * The generated clusters must exercise peer sets shared by several roles, peer sets with both
 * a hash part (addresses) and an interval part (prefixes), fast-path deltas on both, and updates
 * that make a part appear or disappear (which must fall back to the full diff).
 */
class IncrementalDeltaPropertyTest {
  private static final int EXAMPLES = 60;
  private static final int SHARED_EXAMPLES = 80;
  private static final long SHARED_SEED = 4242L;
  private static final int STEPS = 6;
  private final NftablesBackend nft = new NftablesBackend();

  /** What the run exercised, over all examples. */
  private static final class Coverage {
    int incremental;
    int recompiled;
    /** Incremental updates the fast path rendered (the others changed the sharing of a set). */
    int fastPath;
    /** Fast-path deltas that change a set shared by several roles. */
    int fastOnShared;
    /** Fast-path deltas that add or delete a prefix (interval part). */
    int fastOnPrefixes;
    /** Fast-path deltas that change elements of a peer set (its parts exist before and after). */
    int fastOnPeerParts;
    /** Incremental updates that fell back because a peer-set part would appear or disappear. */
    int partFallbacks;
    /** Emitted rulesets with a peer set. */
    int withPeerSet;
    /** Emitted rulesets with a set shared by several roles. */
    int withSharedSet;
    /** Emitted rulesets with a peer set holding both addresses and prefixes. */
    int withSplitSet;
    int emits;
    /** Rulesets after a fast-path delta made by patching the previous one ({@code applied}), not rendered. */
    int patched;

    @Override
    public String toString() {
      return "emits " + emits + " (peer sets " + withPeerSet + ", shared " + withSharedSet + ", split " + withSplitSet
          + "), incremental " + incremental + " (fast " + fastPath + ", on shared sets " + fastOnShared
          + ", on prefixes " + fastOnPrefixes + ", on peer sets " + fastOnPeerParts + "; part fallbacks "
          + partFallbacks + "), recompiled " + recompiled + ", patched " + patched;
    }
  }

  @Test
  void deltasReachTheFullRulesetAndDecideLikeTheReference() {
    Coverage cov = new Coverage();
    qt().withExamples(EXAMPLES).forAll(ClusterGen.clusters(), longs().all(), booleans().all())
        .checkAssert((c, seed, perNode) -> {
          Optional<String> node = perNode && !c.nodes().isEmpty() ? Optional.of(c.nodes().get(0).name())
              : Optional.empty();
          CompileOptions o = node.map(CompileOptions.DEFAULTS::withNode).orElse(CompileOptions.DEFAULTS);
          run(seed % 2 == 0 ? withMirrors(c) : c, o, new Random(seed), cov);
        });
    System.out.println("coverage " + cov);
    // The generator is biased to pod events that keep groups: the fast path must be exercised,
    // also on shared sets and on prefixes, and the full path must cope with sharing that changes.
    assertThat(cov.incremental).as("incremental updates of %s", cov.incremental + cov.recompiled)
        .isGreaterThan(cov.recompiled / 4);
    assertThat(cov.fastPath).as("fast-path deltas of %s incremental updates", cov.incremental)
        .isGreaterThan(cov.incremental / 2);
    assertThat(cov.patched).as("rulesets patched after a fast-path delta, of %s", cov.fastPath)
        .isEqualTo(cov.fastPath);
  }

  @Test
  void sharedSetsTakeTheFastPathOnlyWhileTheSharingHolds() {
    Coverage cov = new Coverage();
    // A fixed seed: the coverage below (parts that appear and disappear, prefix changes that keep
    // both parts) is rare enough per example that a random run could miss it.
    qt().withFixedSeed(SHARED_SEED).withExamples(SHARED_EXAMPLES).forAll(longs().all()).checkAssert(seed ->
        run(SharedPeersClusters.of(seed), CompileOptions.DEFAULTS, new Random(seed), cov));
    System.out.println("coverage " + cov);
    assertThat(cov.withSharedSet).as("rulesets with a shared set, of %s with peer sets", cov.withPeerSet)
        .isGreaterThan(cov.withPeerSet / 2);
    assertThat(cov.withSplitSet).as("rulesets with addresses and prefixes in one set, of %s with peer sets",
        cov.withPeerSet).isGreaterThan(cov.withPeerSet / 4);
    assertThat(cov.fastOnShared).as("fast-path deltas on a shared set, of %s", cov.fastPath).isGreaterThan(0);
    assertThat(cov.fastOnPrefixes).as("fast-path deltas on prefixes").isGreaterThan(0);
    assertThat(cov.fastOnPeerParts).as("fast-path deltas on existing peer-set parts").isGreaterThan(0);
    assertThat(cov.partFallbacks).as("fallbacks for a part that appears or disappears").isGreaterThan(0);
    assertThat(cov.incremental - cov.fastPath).as("incremental updates that change the sharing, of %s",
        cov.incremental).isGreaterThan(0);
    assertThat(cov.fastPath).as("fast-path deltas of %s incremental updates", cov.incremental)
        .isGreaterThan(cov.incremental / 2);
  }

  /**
   * {@code c} plus, for each policy with isolating ingress rules with peers, a policy whose egress
   * rules have the same peers for the same pods: roles of equal content, which share a set.
   */
  static Cluster withMirrors(Cluster c) {
    List<NetworkPolicy> all = new ArrayList<>(c.policies());
    for (NetworkPolicy p : c.policies()) {
      List<PolicyRule> rules = p.isolatesIngress()
          ? p.ingress().stream().filter(r -> !r.peers().isEmpty()).toList() : List.of();
      if (!rules.isEmpty()) {
        all.add(NetworkPolicy.of(p.namespace(), p.name() + "-mirror", p.podSelector(), List.of("Egress"), List.of(),
            rules));
      }
    }
    return c.withPolicies(all);
  }

  private void run(Cluster c, CompileOptions o, Random r, Coverage cov) {
    BackendOptions opts = BackendOptions.DEFAULTS;
    CompilerSession s = new Compiler().session(c, o);
    Artifact installed = emit(s, opts);
    SetLayout layout = layout(cov, installed, parse(installed));
    for (int step = 0; step < STEPS; step++) {
      ClusterChange change = ChangeGen.next(s.cluster(), r, step);
      GraphUpdate u = s.apply(List.of(change));
      if (u.incremental()) {
        cov.incremental++;
        DeltaWriter.Fast attempt = NftablesBackend.attempt(installed, u, opts);
        Optional<DeltaWriter.Result> f = attempt.delta();
        if (attempt.fallback().equals(Optional.of(DeltaWriter.Fallback.PART_APPEARS_OR_DISAPPEARS))) {
          cov.partFallbacks++;
        }
        if (f.isPresent()) {
          cov.fastPath++;
          String text = f.get().nft();
          SetLayout shared = layout;
          if (shared.sets().stream().anyMatch(set -> shared.sharers(set) > 1 && text.contains(" " + set + " {"))) {
            cov.fastOnShared++;
          }
          if (text.lines().anyMatch(l -> l.contains("n {") && l.contains("/"))) {
            cov.fastOnPrefixes++;
          }
          if (text.lines().anyMatch(l -> l.contains("element inet ") && l.contains(" a_"))) {
            cov.fastOnPeerParts++;
          }
        }
      } else {
        cov.recompiled++;
      }
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
      // What the backend says the kernel now holds (patched from the previous ruleset after a
      // fast-path delta): the same state, layout and counts as the full ruleset; and the next
      // step's delta is computed against it, so patched rulesets chain.
      Artifact after = applied(installed, u, d, opts);
      Ruleset afterParsed = parse(after);
      assertThat(state(afterParsed)).as("applied() " + where).isEqualTo(state(expected));
      assertThat(RulesetStats.ofScript(after.primary())).as("counts of applied()").isEqualTo(RulesetStats.of(afterParsed));
      assertThat(RulesetStats.ofScript(full.primary())).as("counts of the full ruleset").isEqualTo(RulesetStats.of(expected));
      SetLayout fullLayout = NftablesBackend.layout(full).orElseThrow();
      SetLayout afterLayout = NftablesBackend.layout(after).orElseThrow();
      assertThat(afterLayout.sets()).as("peer sets of applied()").isEqualTo(fullLayout.sets());
      for (String set : fullLayout.sets()) {
        assertThat(afterLayout.fingerprint(set)).as("fingerprint of " + set).isEqualTo(fullLayout.fingerprint(set));
        assertThat(afterLayout.sizes(set)).as("sizes of " + set).isEqualTo(fullLayout.sizes(set));
        assertThat(afterLayout.sharers(set)).as("sharers of " + set).isEqualTo(fullLayout.sharers(set));
      }
      if (after != full) {
        cov.patched++;
      }
      installed = after;
      layout = layout(cov, after, afterParsed);
    }
  }

  private Artifact applied(Artifact installed, GraphUpdate u, Delta d, BackendOptions opts) {
    try {
      return nft.applied(installed, u, d, opts);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }

  /** The peer-set layout of the emitted ruleset {@code a} ({@code parsed}), counting what it exercises. */
  private static SetLayout layout(Coverage cov, Artifact a, Ruleset parsed) {
    SetLayout l = NftablesBackend.layout(a).orElseThrow();
    cov.emits++;
    if (!l.sets().isEmpty()) {
      cov.withPeerSet++;
    }
    if (l.sets().stream().anyMatch(set -> l.sharers(set) > 1)) {
      cov.withSharedSet++;
    }
    Table t = parsed.tables().get(0);
    for (String set : l.sets()) {
      // A part is declared only when it has elements.
      if (t.set(set).isPresent() && t.set(RulesetWriter.prefixSetName(set)).isPresent()) {
        cov.withSplitSet++;
        break;
      }
    }
    return l;
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
