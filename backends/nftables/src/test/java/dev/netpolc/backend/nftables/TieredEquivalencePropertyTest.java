package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.nftables.sim.CtState;
import dev.netpolc.backend.nftables.sim.Hook;
import dev.netpolc.backend.nftables.sim.NftInterpreter;
import dev.netpolc.backend.nftables.sim.NftSimulator;
import dev.netpolc.backend.nftables.sim.Packet;
import dev.netpolc.backend.nftables.sim.Ruleset;
import dev.netpolc.backend.nftables.sim.Verdict;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random tiered rule graphs ({@link TieredGraphGen}: groups with Admin, NetworkPolicy and
 * Baseline rules at random priorities, Allow/Deny/Pass, isolated or not, overlapping peers,
 * ports, both families, node addresses, hostile origins), emitted cluster-wide and for each node,
 * read back and simulated: every probe — pods, node addresses, outsiders; TCP, UDP, SCTP, ICMP —
 * is decided as {@link RuleGraphEvaluator} decides it on the same graph, including a pod's
 * egress to its own node (its Admin and Baseline tiers only). A sample passes the real
 * {@code nft -c}.
 */
class TieredEquivalencePropertyTest {
  private static final int EXAMPLES = 300;
  private static final int REAL_NFT_SAMPLES = 30;

  /** What the run exercised, so that a vacuous run fails. */
  private static final class Coverage {
    int rulesets;
    int withNodeMap;
    int withNodeChain;
    int withPass;
    int withDeny;
    int allowed;
    int denied;
    /** Probes from a pod to its own node that its Admin or Baseline tier denied. */
    int ownNodeDenied;
    /** Probes from a pod to its own node allowed although its group is egress-isolated with Admin/Baseline rules. */
    int ownNodeAllowedPastIsolation;

    @Override
    public String toString() {
      return rulesets + " rulesets (node maps " + withNodeMap + ", node chains " + withNodeChain + ", pass "
          + withPass + ", deny " + withDeny + "), probes allowed " + allowed + ", denied " + denied
          + ", own node denied " + ownNodeDenied + ", own node allowed past isolation " + ownNodeAllowedPastIsolation;
    }
  }

  @Test
  void simulatedRulesetDecidesLikeTheIrEvaluator() {
    Coverage cov = new Coverage();
    qt().withExamples(EXAMPLES).forAll(TieredGraphGen.cases(), booleans().all()).checkAssert((c, decorated) -> {
      // Counters and drop logging change no decision; half the examples have them.
      BackendOptions opts = BackendOptions.DEFAULTS.withCounters(decorated).withLogDrops(decorated);
      check(c.clusterWide(), opts, c.probes(), cov);
      for (String node : TieredGraphGen.NODES) {
        check(c.forNode(node), opts, c.probes(), cov);
      }
    });
    System.out.println("tiered nftables coverage: " + cov);
    assertThat(cov.withNodeMap).as("rulesets with node-local dispatch: %s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.withNodeChain).as("rulesets with a _node chain: %s", cov).isGreaterThan(EXAMPLES / 10);
    assertThat(cov.withPass).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.withDeny).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.ownNodeDenied).as("%s", cov).isGreaterThan(EXAMPLES / 10);
    assertThat(cov.ownNodeAllowedPastIsolation).as("%s", cov).isGreaterThan(EXAMPLES / 10);
    assertThat(cov.denied).as("%s", cov).isGreaterThan(cov.allowed / 20);
  }

  /**
   * Graphs with one to six ordered tiers ({@link TieredGraphGen#multiTierCases()}: dialect tiers
   * before, between and after the standard ones, catch-all Deny and Pass ends): the ruleset has
   * a chain per tier present and decides every probe as the IR evaluator.
   */
  @Test
  void multiTierRulesetsDecideLikeTheIrEvaluator() {
    Coverage cov = new Coverage();
    int[] dialect = new int[3]; // graphs with a dialect tier; with two or more; rulesets with a dialect node-local copy
    qt().withExamples(EXAMPLES).forAll(TieredGraphGen.multiTierCases(), booleans().all()).checkAssert((c, decorated) -> {
      BackendOptions opts = BackendOptions.DEFAULTS.withCounters(decorated).withLogDrops(decorated);
      long extra = c.clusterWide().tiers().stream().filter(t -> !t.isStandard()).count();
      dialect[0] += extra > 0 ? 1 : 0;
      dialect[1] += extra > 1 ? 1 : 0;
      check(c.clusterWide(), opts, c.probes(), cov);
      for (String node : TieredGraphGen.NODES) {
        check(c.forNode(node), opts, c.probes(), cov);
        String text = Fixtures.emit(c.forNode(node), opts).primary();
        dialect[2] += java.util.regex.Pattern.compile("_t[0-9]+_node \\{").matcher(text).find() ? 1 : 0;
      }
    });
    System.out.println("multi-tier nftables coverage: " + cov + ", with dialect tiers " + dialect[0]
        + ", with two or more " + dialect[1] + ", with a dialect tier's node-local copy " + dialect[2]);
    // About 24 in 900 rulesets, but clumped (one example gives up to three): a run with 6 was
    // seen, so the guard only asks that the generator reaches the case at all.
    assertThat(dialect[2]).as("rulesets with a _t<k>_node chain").isPositive();
    assertThat(dialect[0]).as("graphs with a dialect tier").isGreaterThan(EXAMPLES / 2);
    assertThat(dialect[1]).as("graphs with two dialect tiers").isGreaterThan(EXAMPLES / 10);
    assertThat(cov.withPass).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.withDeny).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.ownNodeDenied).as("%s", cov).isGreaterThan(EXAMPLES / 20);
    assertThat(cov.denied).as("%s", cov).isGreaterThan(cov.allowed / 20);
  }

  private static void check(RuleGraph g, BackendOptions opts, List<Connection> probes, Coverage cov) {
    Artifact a = Fixtures.emit(g, opts);
    String text = a.primary();
    // Written on two threads (as for big graphs), the script is the same.
    assertThat(new RulesetWriter(g, opts, "filter", 0).write()).isEqualTo(text);
    NftSimulator sim;
    Ruleset parsed;
    try {
      parsed = NftablesBackend.parse(a);
      sim = new NftSimulator(parsed, SimulationContext.of(g).nodeAddresses());
    } catch (BackendException e) {
      throw new AssertionError("emitted ruleset does not parse: " + e.getMessage() + "\n" + text, e);
    }
    NftInterpreter nft = new NftInterpreter(parsed);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
    cov.rulesets++;
    cov.withNodeMap += text.contains("map ep_node") ? 1 : 0;
    cov.withNodeChain += text.contains("_out_node {") ? 1 : 0;
    cov.withPass += text.lines().anyMatch(l -> l.contains(" goto ") && !l.contains("next tier")) ? 1 : 0;
    cov.withDeny += g.rules().stream().anyMatch(r -> r.action() == Action.DENY) ? 1 : 0;
    for (Connection c : probes) {
      boolean want = ir.allows(c);
      boolean got = sim.allows(c);
      if (want != got) {
        throw new AssertionError(g.node().map(n -> "node " + n).orElse("cluster-wide") + ", " + g.options() + ": "
            + c + " IR " + (want ? "allows" : "denies") + ", simulated ruleset " + (got ? "allows" : "denies")
            + " (path " + sim.path(c) + ")\ngraph:\n" + g + "nodes " + g.nodeAddresses() + "\nruleset:\n" + text);
      }
      if (want) {
        cov.allowed++;
        repliesPass(sim, nft, c, text);
      } else {
        cov.denied++;
      }
      ownNode(g, c, want, cov);
    }
  }

  /**
   * The reply of an accepted connection (established, back from the destination) and an ICMP
   * error about it (related: destination unreachable, packet too big) pass every hook on their
   * way: no Deny of either side's rules may drop them.
   */
  private static void repliesPass(NftSimulator sim, NftInterpreter nft, Connection c, String text) {
    Connection back = new Connection(c.destination(), c.source(), c.protocol(), c.port());
    int icmp = c.source().v6() ? 58 : 1;
    List<Packet> packets = List.of(
        Packet.newConnection(c.destination(), c.source(), c.protocol(), c.port() == 0 ? 0 : 40000)
            .withCtState(CtState.ESTABLISHED),
        Packet.newConnection(c.destination(), c.source(), icmp, 0).withIcmpType(c.source().v6() ? 2 : 3)
            .withCtState(CtState.RELATED));
    for (Packet p : packets) {
      for (Hook h : sim.path(back)) {
        if (nft.evaluate(h, p) != Verdict.ACCEPT) {
          throw new AssertionError("reply " + p + " of accepted " + c + " dropped at " + h + "\n" + text);
        }
      }
    }
  }

  /** Counts probes from a pod with Admin/Baseline egress rules to its own node. */
  private static void ownNode(RuleGraph g, Connection c, boolean allowed, Coverage cov) {
    var src = g.endpointAt(c.source());
    if (src.isEmpty() || src.get().node().isEmpty() || !g.options().allowNodeToLocalPods()) {
      return;
    }
    var node = g.nodeAddresses().get(src.get().node().get());
    if (node == null || !node.contains(c.destination())) {
      return;
    }
    EndpointGroup grp = g.groupOfPod(src.get().pod()).orElseThrow();
    List<Rule> tiered = new ArrayList<>();
    for (Rule r : g.rules(grp.id(), Direction.EGRESS)) {
      if (!r.tier().equals(Tier.NETWORK_POLICY)) {
        tiered.add(r);
      }
    }
    if (tiered.isEmpty()) {
      return;
    }
    if (!allowed) {
      cov.ownNodeDenied++;
    } else if (grp.egressIsolated()) {
      cov.ownNodeAllowedPastIsolation++;
    }
  }

  @Test
  void sampledMultiTierRulesetsPassTheRealNftCheck() {
    List<String> texts = new ArrayList<>();
    qt().withExamples(REAL_NFT_SAMPLES).forAll(TieredGraphGen.multiTierCases()).checkAssert(c -> {
      int i = texts.size();
      RuleGraph g = i % 3 == 0 ? c.clusterWide() : c.forNode(TieredGraphGen.NODES.get(i % 2));
      texts.add(Fixtures.emit(g, BackendOptions.DEFAULTS.withCounters(true).withLogDrops(true)).primary());
    });
    // A sample of 30: clumped and small, so the guard (CI once saw 2) asks for one such ruleset.
    assertThat(texts.stream().filter(t -> t.contains("_t0")).count()).as("rulesets with dialect tier chains")
        .isPositive();
    try (RealNft nft = RealNft.require()) {
      for (String text : texts) {
        RealNft.Result r = nft.check(text);
        assertThat(r.ok()).as("nft -c rejected:%n%s%n%s", r.stderr(), text).isTrue();
      }
    }
  }

  @Test
  void sampledTieredRulesetsPassTheRealNftCheck() {
    List<String> texts = new ArrayList<>();
    qt().withExamples(REAL_NFT_SAMPLES).forAll(TieredGraphGen.cases()).checkAssert(c -> {
      int i = texts.size();
      RuleGraph g = i % 3 == 0 ? c.clusterWide() : c.forNode(TieredGraphGen.NODES.get(i % 2));
      texts.add(Fixtures.emit(g, BackendOptions.DEFAULTS.withCounters(true).withLogDrops(true)).primary());
    });
    // A sample of 30: the guard asks for one such ruleset (a threshold at the edge of chance flakes).
    assertThat(texts.stream().filter(t -> t.contains("map ep_node")).count()).as("rulesets with node maps")
        .isPositive();
    try (RealNft nft = RealNft.require()) {
      for (String text : texts) {
        RealNft.Result r = nft.check(text);
        assertThat(r.ok()).as("nft -c rejected:%n%s%n%s", r.stderr(), text).isTrue();
      }
    }
  }
}
