package dev.netpolc.compiler.properties;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.passes.Passes;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import java.util.LinkedHashMap;
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

  /**
   * The compiled graph of {@code c} decides every probe as the reference with {@code options}
   * does: without passes, with the default passes and, when {@code eachPass}, with each pass alone.
   */
  static void assertPassSelectionsAgree(Cluster c, SemanticsOptions options, boolean eachPass,
      List<Connection> probes) {
    CompileOptions base = CompileOptions.DEFAULTS.withSemantics(options);
    Map<String, ConnectionDecider> candidates = new LinkedHashMap<>();
    candidates.put("-O0", evaluator(c, base.withoutPasses()));
    candidates.put("default passes", evaluator(c, base));
    if (eachPass) {
      for (String pass : Passes.names()) {
        candidates.put("only " + pass, evaluator(c, base.withPasses(List.of(pass))));
      }
    }
    assertAgree(new ReferenceEvaluator(c, options), "the reference (" + options + ")", candidates, probes);
  }

  static String verdict(boolean allowed) {
    return allowed ? "allows" : "denies";
  }
}
