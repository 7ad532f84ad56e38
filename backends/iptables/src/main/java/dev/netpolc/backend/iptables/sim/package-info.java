/**
 * Reads the files of the iptables backend (ipset restore, iptables-restore and
 * ip6tables-restore, as emitted or as {@code ipset save} / {@code iptables-save} list them back)
 * with ANTLR grammars, and decides connections the way the kernel's filter table would:
 * {@link dev.netpolc.backend.iptables.sim.IptablesSimulator}.
 */
package dev.netpolc.backend.iptables.sim;
