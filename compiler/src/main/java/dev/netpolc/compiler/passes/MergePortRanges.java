package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.function.Function;

/** Merges overlapping and adjacent port ranges of every port set. */
public final class MergePortRanges implements Pass {
  /** Creates the pass; {@link Passes} holds the shared instance. */
  public MergePortRanges() {}

  @Override
  public String name() {
    return "port-merge";
  }

  @Override
  public String description() {
    return "merge overlapping and adjacent port ranges";
  }

  @Override
  public RuleGraph apply(RuleGraph graph) {
    if (graph.portSets().stream().allMatch(PortSet::isMinimal)) {
      return graph;
    }
    return graph.mapSets(Function.identity(), PortSet::canonical);
  }
}
