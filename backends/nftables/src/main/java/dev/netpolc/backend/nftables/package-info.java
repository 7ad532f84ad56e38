/**
 * The nftables backend ({@link dev.netpolc.backend.nftables.NftablesBackend}): emits one
 * {@code nft -f} script per node or per cluster; its {@code sim} subpackage reads such scripts
 * (and {@code nft list} output) back and simulates them.
 */
package dev.netpolc.backend.nftables;
