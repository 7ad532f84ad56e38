package dev.netpolc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendDeciders;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.conformance.ConformanceCase;
import dev.netpolc.compiler.conformance.ConformanceCorpus;
import dev.netpolc.compiler.conformance.MatrixDiff;
import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Cilium conformance cases through every backend: the cluster-wide graph emitted, read back
 * and simulated ({@link BackendDeciders#simulate}), each probe's matrix compared with the case's.
 * {@link ConformanceTest} runs the corpus through the CLI's {@code reference} and {@code ir}
 * deciders; this runs the Cilium part through the backends' simulators.
 */
class CiliumBackendConformanceTest {
  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Backend b : Backends.load()) {
      for (ConformanceCase c : ConformanceCorpus.all()) {
        if (c.unsupportedBy(Set.of("tiers", "domainNames", "calico")).isPresent()
            && c.unsupportedBy(Set.of("tiers", "domainNames", "calico", "cilium")).isEmpty()) {
          out.add(Arguments.of(b.name(), c.name(), b, c));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void backendSimulationAgreesWithTheCase(String backend, String name, Backend b, ConformanceCase c) {
    List<String> failures = new ArrayList<>();
    for (ConformanceCase step : c.steps()) {
      Cluster cluster = step.toCluster();
      ConnectionDecider sim = BackendDeciders.simulate(b, cluster, SemanticsOptions.DEFAULTS);
      for (ReachabilityMatrix expected : step.probes()) {
        ReachabilityMatrix actual = MatrixComputer.compute(cluster, sim, new Probe(expected.port(),
            expected.protocol()), p -> true);
        failures.addAll(MatrixDiff.describe(step.name(), expected, actual));
      }
    }
    assertThat(failures).as("%s: disagreements with case %s", backend, name).isEmpty();
  }
}
