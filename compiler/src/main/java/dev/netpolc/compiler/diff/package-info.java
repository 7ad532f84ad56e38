/**
 * {@code netpolc diff}: {@link dev.netpolc.compiler.diff.PolicyDiff} computes which connections
 * between pods become allowed or denied between two policy sets over one inventory, exactly and on
 * equivalence classes of pods and ports rather than every pair, and groups them into readable
 * {@link dev.netpolc.compiler.diff.ChangeBlock}s of a {@link dev.netpolc.compiler.diff.DiffResult}.
 */
package dev.netpolc.compiler.diff;
