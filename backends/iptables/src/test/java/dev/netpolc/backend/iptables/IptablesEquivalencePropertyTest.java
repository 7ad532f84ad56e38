package dev.netpolc.backend.iptables;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * For generated clusters and semantics options, the emitted ipset and iptables files, loaded
 * back and simulated, decide every probe (every pair of inventory addresses, outside addresses
 * around every ipBlock edge, TCP/UDP/SCTP on every mentioned port, ICMP) as the reference does:
 * cluster-wide, and per node against the reference restricted to that node's checks; with a
 * random ipset budget, so the inline fallback is exercised alongside real sets.
 */
class IptablesEquivalencePropertyTest {

  private static final int EXAMPLES = 150;

  @Test
  void simulatedScriptsDecideLikeTheReference() {
    qt().withExamples(EXAMPLES).forAll(ClusterGen.clusters(), booleans().all(), booleans().all(),
        integers().between(0, 12))
        .checkAssert((c, nodeLocal, ipBlockPods, budget) -> {
          SemanticsOptions sem = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(nodeLocal)
              .withIpBlockMatchesPodIps(ipBlockPods);
          ReferenceEvaluator ref = new ReferenceEvaluator(c, sem);
          List<Connection> probes = ConnectionProbes.of(c);
          // Budget 12 stands for "enough" in these small clusters; below it sets get inlined.
          BackendOptions options = BackendOptions.DEFAULTS.withLogDrops(true)
              .with("maxIpsets", Integer.toString(budget == 12 ? 200 : budget));
          check(c, sem, Optional.empty(), ref, probes, options);
          for (Node n : c.nodes()) {
            check(c, sem, Optional.of(n.name()), ref, probes, options);
          }
        });
  }

  private static void check(Cluster c, SemanticsOptions sem, Optional<String> node, ReferenceEvaluator ref,
      List<Connection> probes, BackendOptions options) {
    RuleGraph graph = Fixtures.compile(c, options(sem, node));
    Artifact a = Fixtures.emit(graph, options);
    VerifyReport r;
    try {
      r = Verifier.verify(ref, node, new IptablesBackend().simulator(a, SimulationContext.of(graph)), probes, 1);
    } catch (BackendException e) {
      throw new AssertionError("emitted files do not load: " + e.getMessage() + "\n" + a.files(), e);
    }
    if (!r.agrees()) {
      throw new AssertionError((node.map(n -> "node " + n).orElse("cluster-wide")) + ", " + sem + ": "
          + r.disagreements() + " disagreements, first:\n" + r.first().get(0).toText() + "files:\n"
          + String.join("\n", a.files().values()));
    }
  }

  static CompileOptions options(SemanticsOptions sem, Optional<String> node) {
    CompileOptions o = CompileOptions.DEFAULTS.withSemantics(sem);
    return node.map(o::withNode).orElse(o);
  }
}
