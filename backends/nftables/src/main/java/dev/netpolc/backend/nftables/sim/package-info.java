/**
 * The verifier half of the nftables backend: a parser for the subset of the nftables language
 * that netpolc emits ({@link dev.netpolc.backend.nftables.sim.NftParser}), the immutable model it
 * produces ({@link dev.netpolc.backend.nftables.sim.Ruleset}), and an interpreter that decides a
 * packet as the kernel would ({@link dev.netpolc.backend.nftables.sim.NftInterpreter},
 * {@link dev.netpolc.backend.nftables.sim.NftSimulator}).
 */
package dev.netpolc.backend.nftables.sim;
