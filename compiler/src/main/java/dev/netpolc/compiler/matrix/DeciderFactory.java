package dev.netpolc.compiler.matrix;

import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cluster;

/** Builds a {@link ConnectionDecider} for a cluster: the reference evaluator, the IR, a backend's simulator. */
@FunctionalInterface
public interface DeciderFactory {
  /** A decider for {@code cluster} honouring {@code options}. */
  ConnectionDecider create(Cluster cluster, SemanticsOptions options);
}
