package dev.netpolc.e2e.kernel;

import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.Topology;
import dev.netpolc.backend.BackendOptions;
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
 * Every conformance case (shared and own), enforced by the iptables backend's files in real
 * network namespaces, in both pod networks ({@link Topology.Mode#PTP}, routed; and
 * {@link Topology.Mode#BRIDGE}, where br_netfilter sends bridged traffic through FORWARD): each
 * node's tables are emptied and its artifact installed as its {@code apply.sh} would (ipset
 * restore, iptables-restore and ip6tables-restore --noflush, apply.sh's hook jumps;
 * {@link IptablesNodeArtifacts#loadForNewCase}; iptables here is the nf_tables flavour), and for
 * SCTP probes every node's files must pass {@code iptables-restore --test}. apply.sh itself, over
 * an earlier compile's chains and sets, runs in {@code IptablesReapplyKernelTest} and
 * {@code IptablesDeltaKernelTest}. Two lanes per mode by default (a case here mostly waits for
 * its probes). How a case runs: {@link ConformanceKernelRun}.
 */
@Tag("kernel")
class IptablesConformanceKernelTest {

  private static final ConformanceKernelRun RUN = new ConformanceKernelRun("iptables", List.of(Topology.Mode.PTP, Topology.Mode.BRIDGE),
      (cluster, layout) -> IptablesNodeArtifacts.compile(cluster, layout, BackendOptions.DEFAULTS), Set.of("tiers", "calico", "cilium"),
      2);

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "ipset", "iptables-restore", "ip6tables-restore",
        "iptables-save", "bash", "conntrack");
    RUN.start();
  }

  @AfterAll
  static void closeTopology() {
    RUN.finish();
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
