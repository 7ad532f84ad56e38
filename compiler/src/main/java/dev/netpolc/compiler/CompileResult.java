package dev.netpolc.compiler;

import dev.netpolc.compiler.ir.RuleGraph;
import java.util.Objects;

/**
 * What {@link Compiler#compile} produces.
 *
 * @param graph the optimised rule graph
 * @param stats sizes and timings
 */
public record CompileResult(RuleGraph graph, CompileStats stats) {
  public CompileResult {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(stats, "stats");
  }
}
