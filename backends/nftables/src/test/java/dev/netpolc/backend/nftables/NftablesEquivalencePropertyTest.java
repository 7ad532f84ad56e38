package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * For generated clusters and semantics options, the emitted ruleset, parsed back and simulated,
 * decides every probe (every pair of inventory addresses, outside addresses around every ipBlock
 * edge, TCP/UDP/SCTP on every mentioned port, ICMP) as the reference does: cluster-wide, and per
 * node against the reference restricted to that node's checks. A sample of the rulesets also
 * passes the real {@code nft -c}.
 */
class NftablesEquivalencePropertyTest {

  private static final int EXAMPLES = 200;
  private static final int REAL_NFT_SAMPLES = 25;

  @Test
  void simulatedRulesetDecidesLikeTheReference() {
    qt().withExamples(EXAMPLES).forAll(ClusterGen.clusters(), booleans().all(), booleans().all())
        .checkAssert((c, nodeLocal, ipBlockPods) -> {
          SemanticsOptions sem = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(nodeLocal)
              .withIpBlockMatchesPodIps(ipBlockPods);
          ReferenceEvaluator ref = new ReferenceEvaluator(c, sem);
          List<Connection> probes = ConnectionProbes.of(c);
          check(c, sem, Optional.empty(), ref, probes);
          for (Node n : c.nodes()) {
            check(c, sem, Optional.of(n.name()), ref, probes);
          }
        });
  }

  private static void check(Cluster c, SemanticsOptions sem, Optional<String> node, ReferenceEvaluator ref,
      List<Connection> probes) {
    Artifact a = emit(c, sem, node);
    RuleGraph graph = Fixtures.compile(c, options(sem, node));
    VerifyReport r;
    try {
      r = Verifier.verify(ref, node, new NftablesBackend().simulator(a, SimulationContext.of(graph)), probes, 1);
    } catch (BackendException e) {
      throw new AssertionError("emitted ruleset does not parse: " + e.getMessage() + "\n" + a.primary(), e);
    }
    if (!r.agrees()) {
      throw new AssertionError((node.map(n -> "node " + n).orElse("cluster-wide")) + ", " + sem + ": "
          + r.disagreements() + " disagreements, first:\n" + r.first().get(0).toText() + "ruleset:\n" + a.primary());
    }
  }

  private static CompileOptions options(SemanticsOptions sem, Optional<String> node) {
    CompileOptions o = CompileOptions.DEFAULTS.withSemantics(sem);
    return node.map(o::withNode).orElse(o);
  }

  private static Artifact emit(Cluster c, SemanticsOptions sem, Optional<String> node) {
    // Counters and logging on: their syntax is exercised too, and they must not change decisions.
    return Fixtures.emit(Fixtures.compile(c, options(sem, node)),
        BackendOptions.DEFAULTS.withCounters(true).withLogDrops(true));
  }

  @Test
  void sampledRulesetsPassTheRealNftCheck() {
    List<String> texts = new ArrayList<>();
    qt().withExamples(REAL_NFT_SAMPLES).forAll(ClusterGen.clusters(), booleans().all()).checkAssert((c, nodeLocal) -> {
      SemanticsOptions sem = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(nodeLocal);
      Optional<String> node = c.nodes().isEmpty() || texts.size() % 2 == 0 ? Optional.empty()
          : Optional.of(c.nodes().get(texts.size() % c.nodes().size()).name());
      texts.add(emit(c, sem, node).primary());
    });
    // QuickTheories may draw the same small cluster twice; most draws are distinct.
    assertThat(texts).hasSizeGreaterThan(REAL_NFT_SAMPLES / 2);
    try (RealNft nft = RealNft.require()) {
      for (String text : texts) {
        RealNft.Result r = nft.check(text);
        assertThat(r.ok()).as("nft -c rejected:%n%s%n%s", r.stderr(), text).isTrue();
      }
    }
  }
}
