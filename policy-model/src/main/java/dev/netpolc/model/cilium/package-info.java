/**
 * Cilium's L3/L4 policy resources ({@code cilium.io/v2}): CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy ({@link dev.netpolc.model.cilium.CiliumPolicy}), as written and
 * with the position of every field, and Cilium's label conventions
 * ({@link dev.netpolc.model.cilium.CiliumLabels}). Values that validation judges (ports,
 * protocols, CIDRs, entity names, ICMP types) are kept as written; the typed accessors assume a
 * validated object. The meaning is SEMANTICS-CILIUM.md's.
 */
package dev.netpolc.model.cilium;
