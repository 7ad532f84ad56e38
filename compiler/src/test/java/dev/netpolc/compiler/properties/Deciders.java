package dev.netpolc.compiler.properties;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.model.Cluster;
import java.util.List;
import java.util.Map;

/** Helpers shared by the property tests: compile, and compare deciders with a failure message. */
final class Deciders {
  private Deciders() {}

  static RuleGraph compile(Cluster c, CompileOptions options) {
    return new Compiler().compile(c, options).graph();
  }

  static ConnectionDecider evaluator(Cluster c, CompileOptions options) {
    return new RuleGraphEvaluator(compile(c, options));
  }

  /**
   * Fails with the first connection on which a candidate disagrees with the expected decider,
   * naming both verdicts (the cluster itself is printed by the generator's description).
   */
  static void assertAgree(ConnectionDecider expected, String expectedName, Map<String, ConnectionDecider> candidates,
      List<Connection> probes) {
    for (Connection conn : probes) {
      boolean want = expected.allows(conn);
      for (Map.Entry<String, ConnectionDecider> e : candidates.entrySet()) {
        if (e.getValue().allows(conn) != want) {
          throw new AssertionError(e.getKey() + " " + verdict(!want) + " " + conn + " but " + expectedName + " "
              + verdict(want) + " it");
        }
      }
    }
  }

  static String verdict(boolean allowed) {
    return allowed ? "allows" : "denies";
  }
}
