/**
 * Incremental updates: a {@link dev.netpolc.compiler.incremental.CompilerSession} keeps a compiled
 * cluster up to date under {@link dev.netpolc.compiler.incremental.ClusterChange}s (what a controller
 * sees on its watch streams) and reports each batch as a
 * {@link dev.netpolc.compiler.incremental.GraphUpdate}, which a backend turns into a delta. Peer sets
 * are named by their {@link dev.netpolc.compiler.incremental.SetRoles role}, so a pod event usually
 * changes set contents only.
 */
package dev.netpolc.compiler.incremental;
