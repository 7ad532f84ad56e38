/**
 * The compiler's entry point. {@link dev.netpolc.compiler.Compiler#compile} turns a validated
 * {@link dev.netpolc.model.Cluster} into an optimised {@link dev.netpolc.compiler.ir.RuleGraph}
 * ({@link dev.netpolc.compiler.CompileResult}, with {@link dev.netpolc.compiler.CompileStats}), under
 * {@link dev.netpolc.compiler.CompileOptions} (node, passes, {@link dev.netpolc.compiler.SemanticsOptions}).
 * {@link dev.netpolc.compiler.Connection} and {@link dev.netpolc.compiler.ConnectionDecider} are the
 * common vocabulary of everything that decides connections: the reference evaluator, the IR and
 * each backend's simulator.
 */
package dev.netpolc.compiler;
