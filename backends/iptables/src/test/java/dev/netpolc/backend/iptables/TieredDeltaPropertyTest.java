package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.backend.iptables.sim.IptablesSimulator;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.Draw;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.compiler.incremental.MemberUpdates;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deltas between tiered graphs: random sequences of changes ({@link TieredGraphGen#mutate}:
 * priorities, tiers, actions, added, removed and reordered rules, isolation, endpoints moving
 * between groups, the node-local options) on random tiered graphs, cluster-wide or per node, with
 * an ipset budget of 200 or 3 (mark bits). After every step the delta, applied in the simulator
 * to what the previous artifact installed, leaves exactly the sets and chains of the full
 * artifact of the new graph, within the peak-ipset bound, and decides every probe as the IR
 * evaluator does. A pod joining a group with node-local chains is never a fast-path delta.
 */
class TieredDeltaPropertyTest {
  private static final int EXAMPLES = 60;
  private static final int STEPS = 5;
  private final IptablesBackend ipt = new IptablesBackend();

  @Test
  void deltasBetweenTieredGraphsReachTheFullArtifact() {
    Map<TieredGraphGen.Change, Integer> diffs = new EnumMap<>(TieredGraphGen.Change.class);
    int[] kinds = new int[4];
    qt().withExamples(EXAMPLES).forAll(TieredGraphGen.cases(), longs().all(), integers().between(0, 5))
        .checkAssert((c, seed, choice) -> {
          Optional<String> node = choice % 3 == 0 ? Optional.empty()
              : Optional.of(TieredGraphGen.NODES.get(choice % 3 - 1));
          BackendOptions opts = BackendOptions.DEFAULTS.withLogDrops(true).with("maxIpsets", choice < 3 ? "200" : "3");
          Draw d = Draw.of(new Random(seed));
          RuleGraph cluster = c.clusterWide();
          Artifact installed = emit(view(cluster, node), opts);
          for (int step = 0; step < STEPS; step++) {
            TieredGraphGen.Change change = d.pick(List.of(TieredGraphGen.Change.values()));
            RuleGraph nextCluster = TieredGraphGen.mutate(cluster, change, d);
            RuleGraph next = view(nextCluster, node);
            Delta delta;
            try {
              delta = ipt.delta(installed, next, opts);
            } catch (BackendException e) {
              throw new AssertionError(e);
            }
            int kind = IncrementalDeltaPropertyTest.kind(delta);
            kinds[kind]++;
            if (kind == 1) {
              diffs.merge(change, 1, Integer::sum);
            }
            Artifact full = emit(next, opts);
            String at = "step " + step + " " + change + " " + node + " " + opts.extra() + "\ndelta:\n"
                + String.join("\n", delta.files().values()) + "\nbefore:\n" + String.join("\n", installed.files().values());
            IptArtifactReader applied;
            try {
              applied = IptablesBackend.read(installed, delta);
            } catch (BackendException e) {
              throw new AssertionError("delta does not apply: " + e.getMessage() + "\n" + at, e);
            }
            IptArtifactReader expected = read(full);
            assertThat(IncrementalDeltaPropertyTest.state(applied)).as(at)
                .isEqualTo(IncrementalDeltaPropertyTest.state(expected));
            Set<String> union = new HashSet<>(read(installed).sets().keySet());
            union.addAll(expected.sets().keySet());
            assertThat(applied.peakSets()).as("peak ipsets; %s", at).isLessThanOrEqualTo(union.size() + 1);
            IptablesSimulator sim = new IptablesSimulator(applied.v4(), applied.v6(),
                SimulationContext.of(next).nodeAddresses());
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
    System.out.println("tiered iptables deltas: diffs by change " + diffs + ", (fast, diff, full, empty) "
        + List.of(kinds[0], kinds[1], kinds[2], kinds[3]));
    for (TieredGraphGen.Change ch : TieredGraphGen.Change.values()) {
      assertThat(diffs.getOrDefault(ch, 0)).as("diff deltas after %s: %s", ch, diffs).isGreaterThan(0);
    }
    assertThat(kinds[2]).as("full replacements (a hook chain comes or goes)").isGreaterThan(0);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aPodJoiningANodeLocalGroupTakesTheDiff(boolean perNode) throws Exception {
    RuleGraph sample = TieredGraphGen.sample(SemanticsOptions.DEFAULTS, "guard");
    RuleGraph before = perNode ? TieredGraphGen.restrict(sample, "n1") : sample;
    EndpointGroup web = before.groups().stream().filter(g -> g.id().startsWith("prod/")).findFirst().orElseThrow();
    // An address in no peer set: only the member sets and the self rules change.
    Endpoint joining = new Endpoint("prod/web-9", List.of(IpAddress.parse("198.18.1.9")), Optional.of("n1"));
    List<Endpoint> members = new ArrayList<>(web.members());
    members.add(joining);
    RuleGraph.Builder b = RuleGraph.builder(before.options()).node(before.node());
    before.nodeAddresses().forEach(b::nodeAddresses);
    for (EndpointGroup g : before.groups()) {
      b.addGroup(g == web ? new EndpointGroup(g.id(), members, g.ingressIsolated(), g.egressIsolated()) : g);
    }
    before.rules().forEach(b::addRule);
    RuleGraph after = b.build();
    BackendOptions opts = BackendOptions.DEFAULTS;
    Artifact installed = emit(before, opts);
    GraphUpdate u = MemberUpdates.of(after, List.of(new GraphUpdate.MemberChange(web.id(), joining, true, true, true)));
    Delta d = ipt.update(installed, u, opts);
    assertThat(IncrementalDeltaPropertyTest.kind(d)).as("not a fast-path delta").isIn(1, 2);
    assertThat(IncrementalDeltaPropertyTest.state(IptablesBackend.read(installed, d)))
        .isEqualTo(IncrementalDeltaPropertyTest.state(read(emit(after, opts))));
    assertThat(emit(after, opts).files().get(IptablesBackend.IPTABLES_FILE)).contains("-NL");
  }

  private static RuleGraph view(RuleGraph cluster, Optional<String> node) {
    return node.map(n -> TieredGraphGen.restrict(cluster, n)).orElse(cluster);
  }

  private static Artifact emit(RuleGraph g, BackendOptions opts) {
    return Fixtures.emit(g, opts);
  }

  private static IptArtifactReader read(Artifact a) {
    try {
      return IptablesBackend.read(a);
    } catch (BackendException e) {
      throw new AssertionError(e);
    }
  }
}
