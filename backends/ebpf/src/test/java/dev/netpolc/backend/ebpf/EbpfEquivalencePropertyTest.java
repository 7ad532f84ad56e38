package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
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
 * For generated clusters and semantics options, the emitted maps, read back from maps.json and
 * from maps.batch and simulated with the datapath's lookups, decide every probe as the reference
 * does: cluster-wide, and per node against the reference restricted to that node's checks. Each
 * file also reads back to exactly the emitted {@link EbpfMaps}.
 */
class EbpfEquivalencePropertyTest {

  private static final int EXAMPLES = 100;

  @Test
  void simulatedMapsDecideLikeTheReference() {
    qt().withExamples(EXAMPLES).forAll(ClusterGen.clusters(), booleans().all(), booleans().all(), booleans().all())
        .checkAssert((c, nodeLocal, ipBlockPods, hostNetTargets) -> {
          SemanticsOptions sem = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(nodeLocal)
              .withIpBlockMatchesPodIps(ipBlockPods).withHostNetworkPodsArePolicyTargets(hostNetTargets);
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
    RuleGraph graph = Fixtures.compile(c, Fixtures.options(sem, node));
    Artifact a = Fixtures.emit(graph, BackendOptions.DEFAULTS);
    EbpfMaps emitted = Fixtures.maps(graph);
    String scope = node.map(n -> "node " + n).orElse("cluster-wide") + ", " + sem;
    VerifyReport r;
    try {
      for (String file : a.files().keySet()) {
        assertThat(EbpfBackend.read(Artifact.of(a.backend(), file, a.files().get(file))))
            .as("%s read back (%s)", file, scope).isEqualTo(emitted);
      }
      // Both files: read, checked to agree, simulated.
      r = Verifier.verify(ref, node, new EbpfBackend().simulator(a, SimulationContext.of(graph)), probes, 1);
    } catch (BackendException e) {
      throw new AssertionError("emitted files do not read back: " + e.getMessage() + "\n" + a.files(), e);
    }
    if (!r.agrees()) {
      throw new AssertionError(scope + ": " + r.disagreements() + " disagreements, first:\n"
          + r.first().get(0).toText() + "graph:\n" + graph + "\n" + a.files().get(MapsJson.FILE));
    }
  }
}
