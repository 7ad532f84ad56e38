/**
 * The policy model: immutable records for what netpolc reads, the inventory
 * ({@link dev.netpolc.model.Namespace}, {@link dev.netpolc.model.Pod}, {@link dev.netpolc.model.Node}) and
 * the policies ({@link dev.netpolc.model.NetworkPolicy} and, in {@code npa}, the cluster-wide tiers),
 * gathered in a {@link dev.netpolc.model.Cluster}. Every object keeps a
 * {@link dev.netpolc.model.SourceMap} so that findings and errors point at file, line and column.
 * Read a cluster with {@link dev.netpolc.model.yaml.PolicyReader}, check it with
 * {@link dev.netpolc.model.validation.AcceptanceGate}, then compile it with the compiler module.
 */
package dev.netpolc.model;
