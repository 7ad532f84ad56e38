package dev.netpolc.compiler;

import dev.netpolc.compiler.build.GraphBuilder;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.passes.PassManager;
import dev.netpolc.model.Cluster;

/**
 * The compiler's stages without its acceptance gate, for tests that hand the backends input the
 * gate refuses (names that would inject text into a ruleset) to check that the emitters escape
 * it on their own as well: defence in depth. {@link Compiler#compile} refuses such input first.
 */
public final class UngatedCompiler {
  private UngatedCompiler() {}

  /** What {@link Compiler#compile} builds from {@code cluster}, without asking the gate. */
  public static RuleGraph compile(Cluster cluster, CompileOptions options) {
    RuleGraph literal = new GraphBuilder(cluster, new ClusterIndex(cluster, options.semantics()), options.semantics())
        .build(options.node());
    return PassManager.of(options.passes()).run(literal).graph();
  }
}
