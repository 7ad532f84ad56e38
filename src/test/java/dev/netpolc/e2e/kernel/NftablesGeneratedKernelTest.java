package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Probe;
import dev.netpolc.kernel.Reachability;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Generated clusters ({@link FixedTopologyGen}: two nodes, eight dual-stack pods, random labels,
 * named ports and policies of the whole API) enforced by the nftables backend's per-node
 * rulesets on the real kernel: for every ordered pair of distinct pods, on ports 80 and 81, TCP
 * and UDP, IPv4 and IPv6, the kernel's verdict equals the reference evaluator's. The topology is
 * built once per mode; each example only replaces the two nodes' rulesets.
 */
@Tag("kernel")
class NftablesGeneratedKernelTest {

  /** Examples per mode: each costs well under a second (one 300 ms probe round, plus compile and load). */
  private static final int EXAMPLES = 50;
  /** A failure shrinks, but every shrink step is a kernel run: keep it bounded. */
  private static final int SHRINK_CYCLES = 12;
  private static final long SEED = 20261128L;
  private static final List<PortSpec> PORTS =
      List.of(PortSpec.tcp(80), PortSpec.tcp(81), PortSpec.udp(80), PortSpec.udp(81));

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "conntrack");
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void kernelAgreesWithTheReferenceOnEveryPairPortProtocolAndFamily(Topology.Mode mode) {
    KernelLayout layout = KernelLayout.of(FixedTopologyGen.readValid(FixedTopologyGen.podsOnly()));
    AtomicInteger examples = new AtomicInteger();
    AtomicInteger probes = new AtomicInteger();
    AtomicInteger allowed = new AtomicInteger();
    long t0 = System.nanoTime();
    try (Topology t = layout.build(mode)) {
      t.startServers(PORTS, false);
      List<Probe> all = Probe.matrix(FixedTopologyGen.PODS, FixedTopologyGen.PODS, PORTS,
          List.of(Family.V4, Family.V6)).stream().filter(p -> !p.from().equals(p.to())).toList();
      qt().withFixedSeed(SEED).withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES)
          .forAll(FixedTopologyGen.clusters()).checkAssert(yaml -> {
            Cluster cluster = FixedTopologyGen.readValid(yaml);
            assertThat(KernelLayout.of(cluster)).isEqualTo(layout);
            NodeRulesets rules = NodeRulesets.compile(cluster, layout);
            rules.load(t);
            ConformanceKernelRun.forgetPreviousCase(t, true);
            ReferenceEvaluator ref = new ReferenceEvaluator(cluster);
            Map<Probe, Boolean> expected = new LinkedHashMap<>();
            for (Probe p : all) {
              expected.put(p, ref.allows(Connection.of(t.address(p.from(), p.family()), t.address(p.to(), p.family()),
                  p.protocol(), p.port())));
            }
            Reachability seen = KernelMatrix.probe(t, all, expected);
            examples.incrementAndGet();
            probes.addAndGet(all.size());
            allowed.addAndGet((int) expected.values().stream().filter(v -> v).count());
            List<String> mismatches = seen.mismatches(expected);
            if (!mismatches.isEmpty()) {
              assertThat(mismatches).as("kernel (%s) vs reference evaluator%nobserved:%n%s%n%s", mode, seen.render(),
                  rules.listed(t)).isEmpty();
            }
          });
    }
    System.out.printf("nftables generated clusters on the kernel (%s): %d examples, %d probes (%d allowed), %d ms%n",
        mode, examples.get(), probes.get(), allowed.get(), (System.nanoTime() - t0) / 1_000_000);
  }
}
