package dev.netpolc.compiler.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every conformance case through the reference evaluator, straight from the library (no CLI).
 * Each step of a case is a matrix of its own; a case that requires a feature outside
 * {@link #FEATURES} is skipped with the reason.
 */
class ReferenceConformanceTest {

  /** The case features ({@link ConformanceCase#FEATURES}) the reference evaluator decides: all. */
  static final Set<String> FEATURES = Set.of("tiers", "domainNames", "calico", "cilium");

  @Test
  void theCorpusIsLargeAndWellFormed() {
    List<ConformanceCase> cases = ConformanceCorpus.all();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(64);
    assertThat(cases).extracting(ConformanceCase::name).doesNotHaveDuplicates();
    for (ConformanceCase c : cases) {
      if (c.unsupportedBy(FEATURES).isPresent()) {
        continue; // ConformanceCorpusTest checks its format without reading its policies
      }
      for (ConformanceCase step : c.steps()) {
        Cluster cluster = step.toCluster();
        for (ReachabilityMatrix expected : step.probes()) {
          // Every active pod is a key and reaches itself.
          assertThat(expected.allowed().keySet()).as(step.name()).isEqualTo(
              MatrixComputer.compute(cluster, conn -> false, new Probe(expected.port(), expected.protocol()), p -> true)
                  .allowed().keySet());
          expected.allowed().forEach((from, to) -> assertThat(to).as(step.name() + " " + from).contains(from));
        }
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> referenceEvaluatorAgreesWithEveryCase() {
    return ConformanceCorpus.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      Optional<String> skip = c.unsupportedBy(FEATURES);
      Assumptions.assumeTrue(skip.isEmpty(), () -> skip.orElseThrow());
      List<String> failures = new ArrayList<>();
      for (ConformanceCase step : c.steps()) {
        Cluster cluster = step.toCluster();
        ReferenceEvaluator ref = new ReferenceEvaluator(cluster);
        for (ReachabilityMatrix expected : step.probes()) {
          ReachabilityMatrix actual = MatrixComputer.compute(cluster, ref,
              new Probe(expected.port(), expected.protocol()), p -> true);
          failures.addAll(MatrixDiff.describe(step.name(), expected, actual));
        }
      }
      assertThat(failures).as("disagreements").isEmpty();
    }));
  }
}
