package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Generated tiered clusters ({@link TieredFixedTopologyGen}: FixedTopologyGen's eight dual-stack
 * pods and NetworkPolicies on two nodes, a hostNetwork pod per node, and Admin and Baseline
 * ClusterNetworkPolicies, AdminNetworkPolicies and the BaselineAdminNetworkPolicy) enforced on
 * the real kernel by each backend's per-node artifacts, bridged and routed: for every ordered
 * pair of distinct endpoints (pods and nodes), on ports 80 and 81, TCP and UDP, IPv4 and IPv6,
 * the kernel's verdict equals the reference evaluator's. The topology is built once per backend
 * and mode; each example replaces the nodes' artifacts ({@link NodeArtifacts#loadForNewCase}), flushes
 * conntrack and neighbour caches, and probes everything in one batched round. A mismatch prints
 * the cluster YAML, the observed matrix, what the backend's simulator says of each mismatching
 * probe, and what the kernel holds.
 */
@Tag("kernel")
class GeneratedTieredKernelTest {

  /**
   * Examples per backend and mode: each costs 2–4 s on a busy 2-core machine (compile, load, and
   * 720 probes of which a third wait out the 300 ms timeout), so a backend's two modes take about
   * a minute; {@link TieredFixedTopologyGenTest} checks that these very examples make every tier
   * Accept, Deny and Pass.
   */
  static final int EXAMPLES = 10;
  /** A failure shrinks, but every shrink step is a kernel run: keep it bounded. */
  static final int SHRINK_CYCLES = 10;
  /**
   * A fixed seed per mode, so each backend sees twice as many distinct clusters; both seeds'
   * examples cover every tier's decisions ({@link TieredFixedTopologyGenTest}).
   */
  static final Map<Topology.Mode, Long> SEEDS = Map.of(Topology.Mode.BRIDGE, 20261202L, Topology.Mode.PTP,
      20261210L);
  static final List<PortSpec> PORTS =
      List.of(PortSpec.tcp(80), PortSpec.tcp(81), PortSpec.udp(80), PortSpec.udp(81));

  /** A backend as these tests drive it: the tools it needs and how it compiles a cluster for the kernel. */
  enum KernelBackend {
    NFTABLES(List.of("nft", "conntrack"), NodeRulesets::compile),
    IPTABLES(List.of("ipset", "iptables-restore", "ip6tables-restore", "iptables-save", "bash", "conntrack"),
        (c, l) -> IptablesNodeArtifacts.compile(c, l, BackendOptions.DEFAULTS)),
    EBPF(concat(List.of("nft", "conntrack"), List.of(EbpfDatapath.TOOLS)),
        (c, l) -> EbpfNodeArtifacts.compile(c, l, BackendOptions.DEFAULTS));

    private final List<String> tools;
    private final BiFunction<Cluster, KernelLayout, NodeArtifacts> compile;

    KernelBackend(List<String> tools, BiFunction<Cluster, KernelLayout, NodeArtifacts> compile) {
      this.tools = tools;
      this.compile = compile;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @AfterAll
  static void unmount() {
    EbpfDatapath.closeShared();
  }

  // One method per backend, so that one backend runs alone: -Dtest='GeneratedTieredKernelTest#nftables*'.

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void nftablesAgreesWithTheReference(Topology.Mode mode) {
    run(KernelBackend.NFTABLES, mode);
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void iptablesAgreesWithTheReference(Topology.Mode mode) {
    run(KernelBackend.IPTABLES, mode);
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void ebpfAgreesWithTheReference(Topology.Mode mode) {
    run(KernelBackend.EBPF, mode);
  }

  /** Every example on one topology: for every pair, port, protocol and family, the kernel equals the reference. */
  private static void run(KernelBackend backend, Topology.Mode mode) {
    List<String> tools = new ArrayList<>(List.of(KernelSupport.ROOT, "ip", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "socat", "perl", "ss", "sysctl"));
    tools.addAll(backend.tools);
    KernelSupport.assumeAvailable(tools.toArray(String[]::new));
    KernelLayout layout = KernelLayout.of(FixedTopologyGen.readValid(TieredFixedTopologyGen.inventoryOnly()));
    AtomicInteger examples = new AtomicInteger();
    AtomicInteger probes = new AtomicInteger();
    AtomicInteger allowed = new AtomicInteger();
    AtomicInteger retried = new AtomicInteger();
    long[] nanos = new long[4]; // topology, compile, load, probe
    long t0 = System.nanoTime();
    try (Topology t = layout.build(mode)) {
      t.startServers(PORTS, true);
      List<Probe> all = probes();
      nanos[0] = System.nanoTime() - t0;
      qt().withFixedSeed(SEEDS.get(mode)).withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES)
          .forAll(TieredFixedTopologyGen.clusters()).checkAssert(yaml -> {
            Cluster cluster = FixedTopologyGen.readValid(yaml);
            assertThat(KernelLayout.of(cluster)).isEqualTo(layout);
            long c0 = System.nanoTime();
            NodeArtifacts rules = backend.compile.apply(cluster, layout);
            long c1 = System.nanoTime();
            rules.loadForNewCase(t);
            ConformanceKernelRun.forgetPreviousCase(t, true);
            long c2 = System.nanoTime();
            Map<Probe, Boolean> expected = decide(t, all, new ReferenceEvaluator(cluster));
            Reachability seen = KernelMatrix.probe(t, all, expected);
            nanos[1] += c1 - c0;
            nanos[2] += c2 - c1;
            nanos[3] += System.nanoTime() - c2;
            examples.incrementAndGet();
            probes.addAndGet(all.size());
            retried.addAndGet(seen.recoveredOnRetry().size());
            allowed.addAndGet((int) expected.values().stream().filter(v -> v).count());
            List<String> mismatches = seen.mismatches(expected);
            if (!mismatches.isEmpty()) {
              // Built only on failure: the simulator tells a wrong artifact from a kernel surprise.
              // QuickTheories prints the cluster's YAML (the falsifying value) above this.
              assertThat(mismatches).as("kernel (%s, %s) vs reference evaluator%nobserved:%n%s%n"
                  + "%s simulator on the mismatching probes:%n%s%n%s", backend.label(), mode, seen.render(),
                  backend.label(), simulated(t, seen, expected, rules.simulator()), rules.listed(t)).isEmpty();
            }
          });
    }
    System.out.printf("%s generated tiered clusters on the kernel (%s): %d examples, %d probes (%d allowed,"
        + " %d needed a retry), %d ms (topology %d, compile %d, load %d, reference and probes %d)%n",
        backend.label(), mode, examples.get(), probes.get(), allowed.get(), retried.get(),
        (System.nanoTime() - t0) / 1_000_000, nanos[0] / 1_000_000, nanos[1] / 1_000_000, nanos[2] / 1_000_000,
        nanos[3] / 1_000_000);
  }

  /** Every ordered pair of distinct endpoints (pods and nodes), every port, both families. */
  static List<Probe> probes() {
    return Probe.matrix(TieredFixedTopologyGen.ENDPOINTS, TieredFixedTopologyGen.ENDPOINTS, PORTS,
        List.of(Family.V4, Family.V6)).stream().filter(p -> !p.from().equals(p.to())).toList();
  }

  /** What {@code decider} says of each probe, at the topology's addresses. */
  static Map<Probe, Boolean> decide(Topology t, List<Probe> probes, ConnectionDecider decider) {
    Map<Probe, Boolean> out = new LinkedHashMap<>();
    for (Probe p : probes) {
      out.put(p, decider.allows(connection(t, p)));
    }
    return out;
  }

  private static Connection connection(Topology t, Probe p) {
    return Connection.of(t.address(p.from(), p.family()), t.address(p.to(), p.family()), p.protocol(), p.port());
  }

  /** One line per probe where the kernel and the reference differ: what the simulator says of it. */
  private static String simulated(Topology t, Reachability seen, Map<Probe, Boolean> expected,
      ConnectionDecider sim) {
    StringBuilder sb = new StringBuilder();
    expected.forEach((p, want) -> {
      if (seen.reachable(p) != want) {
        sb.append("  ").append(p).append(": reference ").append(want ? "allowed" : "blocked").append(", kernel ")
            .append(want ? "blocked" : "allowed").append(", simulator ")
            .append(sim.allows(connection(t, p)) ? "allowed" : "blocked").append('\n');
      }
    });
    return sb.toString();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
