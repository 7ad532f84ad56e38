/** The iptables-restore and ipset backend (issue 7; not implemented yet). */
package dev.netpolc.backend.iptables;
