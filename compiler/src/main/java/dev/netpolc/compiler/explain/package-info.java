/**
 * {@code netpolc explain}: {@link dev.netpolc.compiler.explain.ConnectionQuery} resolves what a
 * person typed (pods, addresses, port names) into a {@link dev.netpolc.compiler.Connection}, and
 * {@link dev.netpolc.compiler.explain.Explainer} turns the reference evaluator's explanation into an
 * {@link dev.netpolc.compiler.explain.ExplainReport}, with the nearest change that would allow a
 * denied connection.
 */
package dev.netpolc.compiler.explain;
