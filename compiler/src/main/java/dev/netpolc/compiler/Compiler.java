package dev.netpolc.compiler;

import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.compiler.build.GraphBuilder;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.passes.PassManager;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.validation.InputRejectedException;

/**
 * The compiler's entry point: cluster → {@link RuleGraph}, optimised.
 *
 * <pre>{@code
 * CompileResult r = new Compiler().compile(cluster, CompileOptions.DEFAULTS.withNode("node-1"));
 * for (EndpointGroup g : r.graph().groups()) { ... r.graph().rules(g.id(), Direction.INGRESS) ... }
 * }</pre>
 *
 * The input must pass {@link AcceptanceGate#DEFAULT} (what the API server accepts, as every
 * {@code netpolc} command decides it): otherwise {@link InputRejectedException} names each
 * blocking finding with its file:line:column, before any output exists. Callers that validate
 * with other options (strict CIDRs) check their own gate first. What still cannot be translated
 * raises {@link CompileException}. Output is deterministic: equal input and options give an
 * equal graph.
 */
public final class Compiler {

  /** Creates a compiler. */
  public Compiler() {}

  /**
   * Compiles {@code cluster} with {@code options}.
   *
   * @throws InputRejectedException when the acceptance gate blocks the cluster
   */
  public CompileResult compile(Cluster cluster, CompileOptions options) {
    AcceptanceGate.DEFAULT.require(cluster);
    long t0 = System.nanoTime();
    ClusterIndex index = new ClusterIndex(cluster, options.semantics());
    RuleGraph literal = new GraphBuilder(cluster, index, options.semantics()).build(options.node());
    long buildNanos = System.nanoTime() - t0;
    PassManager.Result optimised = PassManager.of(options.passes()).run(literal);
    return new CompileResult(optimised.graph(),
        new CompileStats(literal.size(), optimised.graph().size(), buildNanos, optimised.stats()));
  }

  /**
   * A session that keeps {@code cluster}'s graph up to date under changes (pods, namespaces,
   * policies) and reports each batch as a {@link dev.netpolc.compiler.incremental.GraphUpdate}
   * that backends turn into incremental deltas. Compiles once now.
   *
   * @throws InputRejectedException when the acceptance gate blocks the cluster
   */
  public dev.netpolc.compiler.incremental.CompilerSession session(Cluster cluster, CompileOptions options) {
    return new dev.netpolc.compiler.incremental.CompilerSession(this, cluster, options);
  }
}
