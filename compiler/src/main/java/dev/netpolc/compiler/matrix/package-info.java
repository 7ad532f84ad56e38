/**
 * Reachability matrices ({@code netpolc matrix}): {@link dev.netpolc.compiler.matrix.MatrixComputer}
 * asks a {@link dev.netpolc.compiler.ConnectionDecider} about every ordered pair of active pods for
 * each {@link dev.netpolc.compiler.matrix.Probe}, giving a
 * {@link dev.netpolc.compiler.matrix.ReachabilityMatrix}. The decider comes from a
 * {@link dev.netpolc.compiler.matrix.DeciderRegistry} (the reference evaluator, the IR or a
 * backend's simulator), so one matrix can be compared across all of them;
 * {@link dev.netpolc.compiler.matrix.TierAttribution} says which tier decided each cell.
 */
package dev.netpolc.compiler.matrix;
