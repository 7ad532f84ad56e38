/** The eBPF map backend (issue 8; not implemented yet). */
package dev.netpolc.backend.ebpf;
