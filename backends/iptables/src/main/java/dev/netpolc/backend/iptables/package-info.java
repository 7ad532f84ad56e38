/**
 * The iptables backend: an {@code ipset restore} file, {@code iptables-restore} and
 * {@code ip6tables-restore} files (filter table, own {@code NETPOLC-} chains only) and an
 * {@code apply.sh} that installs them in order; read back and simulated by the {@code sim}
 * package. See {@code backends/iptables/README.md}.
 */
package dev.netpolc.backend.iptables;
