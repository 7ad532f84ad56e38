package dev.netpolc.compiler.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every conformance case through the reference evaluator, straight from the library (no CLI). */
class ReferenceConformanceTest {

  @Test
  void theCorpusIsLargeAndWellFormed() {
    List<ConformanceCase> cases = ConformanceCorpus.all();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(64);
    assertThat(cases).extracting(ConformanceCase::name).doesNotHaveDuplicates();
    for (ConformanceCase c : cases) {
      Cluster cluster = c.toCluster();
      for (ReachabilityMatrix expected : c.probes()) {
        // Every active pod is a key and reaches itself.
        assertThat(expected.allowed().keySet()).as(c.name()).isEqualTo(
            MatrixComputer.compute(cluster, conn -> false, new Probe(expected.port(), expected.protocol()), p -> true)
                .allowed().keySet());
        expected.allowed().forEach((from, to) -> assertThat(to).as(c.name() + " " + from).contains(from));
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> referenceEvaluatorAgreesWithEveryCase() {
    return ConformanceCorpus.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      Cluster cluster = c.toCluster();
      ReferenceEvaluator ref = new ReferenceEvaluator(cluster);
      List<String> failures = new ArrayList<>();
      for (ReachabilityMatrix expected : c.probes()) {
        ReachabilityMatrix actual = MatrixComputer.compute(cluster, ref,
            new Probe(expected.port(), expected.protocol()), p -> true);
        failures.addAll(MatrixDiff.describe(c.name(), expected, actual));
      }
      assertThat(failures).as("disagreements").isEmpty();
    }));
  }
}
