package dev.netpolc.e2e.kernel;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every conformance case (shared and own), enforced by the eBPF backend's maps and the reference
 * tc datapath in real network namespaces, in both pod networks ({@link Topology.Mode#PTP},
 * routed; and {@link Topology.Mode#BRIDGE}): for each case every node gets its own pinned maps,
 * filled with {@code bpftool batch}, and the programs on the host-side veth of each of its pods
 * ({@link EbpfNodeArtifacts}). For SCTP probes the simulator must match the case, and the kernel
 * verifier and {@code bpftool batch} must accept the object and the maps. How a case runs:
 * {@link ConformanceKernelRun}.
 */
@Tag("kernel")
class EbpfConformanceKernelTest {

  private static final ConformanceKernelRun RUN = new ConformanceKernelRun("ebpf", List.of(Topology.Mode.PTP,
      Topology.Mode.BRIDGE), (cluster, layout) -> EbpfNodeArtifacts.compile(cluster, layout, BackendOptions.DEFAULTS),
      Set.of("tiers", "calico", "cilium"), 2); // two lanes per mode: 188 s → 154 s for the whole class (BENCHMARKS.md)

  @BeforeAll
  static void kernel() {
    List<String> tools = new ArrayList<>(List.of(KernelSupport.ROOT, "ip", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "conntrack", "nft"));
    tools.addAll(List.of(EbpfDatapath.TOOLS));
    KernelSupport.assumeAvailable(tools.toArray(String[]::new));
    RUN.start();
  }

  @AfterAll
  static void closeTopology() {
    try {
      RUN.finish();
      System.out.printf("ebpf attach --replace: %d node loads, %d ms in all%n", EbpfNodeArtifacts.LOADS.sum(),
          EbpfNodeArtifacts.LOAD_NANOS.sum() / 1_000_000);
    } finally {
      EbpfDatapath.closeShared();
    }
  }

  static Stream<Arguments> runs() {
    return RUN.runs();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("runs")
  void kernelEnforcesTheCase(Topology.Mode mode, String name) {
    RUN.run(mode, name);
  }
}
