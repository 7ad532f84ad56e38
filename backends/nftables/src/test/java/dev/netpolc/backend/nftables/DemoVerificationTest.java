package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * examples/demo emitted, parsed back and simulated agrees with the reference evaluator on every
 * verification probe, cluster-wide and per node, under every semantics option combination.
 */
class DemoVerificationTest {

  @ParameterizedTest(name = "node={0} nodeToLocalPods={1} ipBlockMatchesPodIps={2}")
  @CsvSource({
      "'', true, true", "node-a, true, true", "'', false, false", "node-b, false, true",
  })
  void simulatedRulesetAgreesWithReference(String node, boolean nodeToLocal, boolean ipBlockPods) throws Exception {
    Cluster demo = Fixtures.demo();
    SemanticsOptions sem = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(nodeToLocal)
        .withIpBlockMatchesPodIps(ipBlockPods);
    CompileOptions options = CompileOptions.DEFAULTS.withSemantics(sem);
    Optional<String> n = node.isEmpty() ? Optional.empty() : Optional.of(node);
    if (n.isPresent()) {
      options = options.withNode(node);
    }
    RuleGraph graph = Fixtures.compile(demo, options);
    Artifact a = Fixtures.emit(graph, BackendOptions.DEFAULTS.withCounters(true).withLogDrops(true));
    VerifyReport r = Verifier.verify(demo, sem, n, new NftablesBackend().simulator(a, SimulationContext.of(graph)), 5);
    assertThat(r.checked()).isGreaterThan(1000);
    assertThat(r.first()).as("disagreements of %d:%n%s", r.disagreements(), a.primary()).isEmpty();
  }
}
