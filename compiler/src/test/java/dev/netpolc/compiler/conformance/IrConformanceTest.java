package dev.netpolc.compiler.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every conformance case compiled to the rule graph and decided by {@link RuleGraphEvaluator}
 * alone, straight from the library: the literal graph ({@code -O0}) and the optimised one
 * (default passes). A case that requires a feature outside {@link #FEATURES} is skipped with the
 * reason.
 */
class IrConformanceTest {

  /** The case features ({@link ConformanceCase#FEATURES}) the compiled graph decides: all. */
  static final Set<String> FEATURES = Set.of("tiers", "domainNames", "calico", "cilium");

  @TestFactory
  Stream<DynamicTest> compiledGraphAgreesWithEveryCase() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String level : List.of("O0", "default")) {
      for (ConformanceCase c : ConformanceCorpus.all()) {
        tests.add(DynamicTest.dynamicTest(level + ": " + c.name(), () -> {
          Optional<String> skip = c.unsupportedBy(FEATURES);
          Assumptions.assumeTrue(skip.isEmpty(), () -> skip.orElseThrow());
          List<String> failures = new ArrayList<>();
          for (ConformanceCase step : c.steps()) {
            Cluster cluster = step.toCluster();
            // domainNames peers compile only as matching nothing (what the reference decides).
            CompileOptions options = CompileOptions.DEFAULTS.withSemantics(
                SemanticsOptions.DEFAULTS.withDomainNamesMatchNothing(true));
            if (level.equals("O0")) {
              options = options.withoutPasses();
            }
            RuleGraph graph = new Compiler().compile(cluster, options).graph();
            RuleGraphEvaluator ir = new RuleGraphEvaluator(graph);
            for (ReachabilityMatrix expected : step.probes()) {
              ReachabilityMatrix actual = MatrixComputer.compute(cluster, ir,
                  new Probe(expected.port(), expected.protocol()), p -> true);
              failures.addAll(MatrixDiff.describe(step.name(), expected, actual));
            }
          }
          assertThat(failures).as("disagreements").isEmpty();
        }));
      }
    }
    return tests.stream();
  }
}
