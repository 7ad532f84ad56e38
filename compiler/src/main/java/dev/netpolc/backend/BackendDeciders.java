package dev.netpolc.backend;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.matrix.DeciderRegistry;
import dev.netpolc.model.Cluster;

/**
 * Adds the compiled deciders to a {@link DeciderRegistry}: {@code ir} (the cluster-wide graph
 * through {@link RuleGraphEvaluator}) and, for every backend {@link Backends#load()} finds, its
 * name (the cluster-wide graph emitted, read back and simulated).
 *
 * <pre>{@code
 * DeciderRegistry r = BackendDeciders.register(DeciderRegistry.standard()); // reference, ir, nftables, ...
 * }</pre>
 */
public final class BackendDeciders {
  private BackendDeciders() {}

  /** {@code registry} plus {@code ir} and one entry per backend. */
  public static DeciderRegistry register(DeciderRegistry registry) {
    DeciderRegistry r = registry.with("ir", (cluster, options) -> new RuleGraphEvaluator(compile(cluster, options)));
    for (Backend b : Backends.load()) {
      r = r.with(b.name(), (cluster, options) -> simulate(b, cluster, options));
    }
    return r;
  }

  /** The cluster-wide graph of {@code cluster}. */
  private static RuleGraph compile(Cluster cluster, SemanticsOptions options) {
    return new Compiler().compile(cluster, CompileOptions.DEFAULTS.withSemantics(options)).graph();
  }

  /** Emits the cluster-wide graph with {@code backend}, reads it back and simulates it. */
  public static ConnectionDecider simulate(Backend backend, Cluster cluster, SemanticsOptions options) {
    RuleGraph graph = compile(cluster, options);
    try {
      Artifact a = backend.emit(graph, BackendOptions.DEFAULTS);
      return backend.simulator(a, SimulationContext.of(graph));
    } catch (BackendException e) {
      // The backend could not read its own output for a valid cluster: a bug, not bad input.
      throw new IllegalStateException(backend.name() + " backend: " + e.getMessage(), e);
    }
  }
}
