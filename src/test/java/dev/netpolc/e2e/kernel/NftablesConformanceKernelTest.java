package dev.netpolc.e2e.kernel;

import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.Topology;
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
 * Every conformance case (shared and own), enforced by the nftables backend's rulesets in real
 * network namespaces, in both pod networks ({@link Topology.Mode#BRIDGE}, {@link Topology.Mode#PTP}):
 * each node's ruleset is loaded with {@code nft -f} (replaced atomically by its own
 * {@code delete table} between cases), and for SCTP probes every ruleset must pass {@code nft -c};
 * {@link NftablesSctpRawKernelTest} shows SCTP enforcement with crafted packets. How a case runs:
 * {@link ConformanceKernelRun}.
 */
@Tag("kernel")
class NftablesConformanceKernelTest {

  /**
   * The case features ({@code ConformanceCase.FEATURES}) the nftables backend enforces: tiers, calico
   * (domainNames cases need {@code domainNames=match-nothing}, which no compile here sets).
   */
  static final Set<String> FEATURES = Set.of("tiers", "calico", "cilium");

  private static final ConformanceKernelRun RUN = new ConformanceKernelRun("nftables", List.of(Topology.Mode.BRIDGE, Topology.Mode.PTP),
      NodeRulesets::compile, FEATURES, 2); // two lanes per mode: a case here mostly waits for its probes

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "conntrack");
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
