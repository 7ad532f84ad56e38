/**
 * The eBPF backend: typed map entries ({@link dev.netpolc.backend.ebpf.EbpfMaps}) with their
 * byte encodings, maps.json and maps.batch, a map diff for live changes, and a simulator that
 * decides connections with the datapath's lookups. The layout is documented byte by byte in
 * {@code backends/ebpf/README.md}.
 */
package dev.netpolc.backend.ebpf;
