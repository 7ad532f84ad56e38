package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.conformance.ConformanceCase;
import dev.netpolc.compiler.conformance.ConformanceCorpus;
import dev.netpolc.compiler.conformance.MatrixDiff;
import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@link Topology.Mode#BRIDGE}, where br_netfilter sends bridged traffic through FORWARD).
 *
 * <p>Per case: compile for each node the case's pods use (cluster-wide for cases without nodes),
 * run each node's {@code apply.sh} in its node namespace (ipset restore, iptables-restore and
 * ip6tables-restore --noflush, hook jumps once; iptables here is the nf_tables flavour), probe
 * every pod pair of every TCP and UDP probe, and require that the observed matrix, the case's
 * {@code allowed} and the reference evaluator's matrix all agree. SCTP probes cannot run (no
 * {@code CONFIG_IP_SCTP}): for them the iptables simulator's matrix must equal the case's, and
 * every node's files must pass {@code iptables-restore --test} / {@code ip6tables-restore --test}.
 * Consecutive cases re-apply over the previous case's state, so apply.sh's replacement of its own
 * chains and sets (and removal of stale ones) is exercised on every case.
 *
 * <p>Speed: cases with the same {@link KernelLayout} (most are the classic x/y/z × a/b/c) share one
 * topology, built once with servers on every port its cases probe; per case only the rules are
 * replaced (apply.sh: each family's chains in one iptables-restore transaction) and conntrack and
 * the pods' neighbour caches are flushed ({@link NftablesConformanceKernelTest#forgetPreviousCase}).
 * Probes run in one quick round;
 * only those that disagree with the case are tried once more ({@link KernelMatrix#probe}).
 */
@Tag("kernel")
class IptablesConformanceKernelTest {

  private static final List<Topology.Mode> MODES = List.of(Topology.Mode.PTP, Topology.Mode.BRIDGE);

  /** Every case with its cluster, layout and plans, in corpus order. */
  private static final List<Prepared> PREPARED = prepare();

  private static Topology current;
  private static String currentKey;
  private static final AtomicInteger CASES = new AtomicInteger();
  private static final AtomicInteger PROBES = new AtomicInteger();
  private static final AtomicInteger RETRIED = new AtomicInteger();
  private static final AtomicInteger TOPOLOGIES = new AtomicInteger();
  private static final AtomicLong SETUP_NANOS = new AtomicLong();
  private static long started;

  /**
   * A case ready to run: its cluster, its layout and the plan of its TCP/UDP probes; or, for a
   * case whose addresses the kernel topology cannot reproduce, why not (the case then fails).
   */
  private record Prepared(ConformanceCase c, Cluster cluster, KernelLayout layout, List<KernelMatrix.Plan> plans,
      String unsupported) {}

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "ipset", "iptables-restore", "ip6tables-restore", "iptables-save", "bash",
        "conntrack");
    started = System.nanoTime();
  }

  @AfterAll
  static void closeTopology() {
    closeCurrent();
    if (started != 0) {
      System.out.printf("iptables conformance on the kernel: %d case runs, %d probes (%d needed a retry),"
          + " %d topologies built in %d ms, whole class %d ms%n", CASES.get(), PROBES.get(), RETRIED.get(),
          TOPOLOGIES.get(), SETUP_NANOS.get() / 1_000_000, (System.nanoTime() - started) / 1_000_000);
    }
  }

  private static List<Prepared> prepare() {
    List<Prepared> out = new ArrayList<>();
    for (ConformanceCase c : ConformanceCorpus.all()) {
      Cluster cluster = c.toCluster();
      try {
        KernelLayout layout = KernelLayout.of(cluster);
        List<Probe> tcpUdp = c.probeSpecs().stream().filter(p -> p.protocol() != Protocol.SCTP).toList();
        out.add(new Prepared(c, cluster, layout, KernelMatrix.plan(cluster, layout, tcpUdp), null));
      } catch (IllegalArgumentException e) {
        out.add(new Prepared(c, cluster, null, List.of(), e.getMessage()));
      }
    }
    return out;
  }

  /** Per mode, the cases grouped by layout (groups in order of first appearance), so each topology is built once. */
  static Stream<Arguments> runs() {
    Map<Object, List<Prepared>> groups = new LinkedHashMap<>();
    PREPARED.forEach(p -> groups.computeIfAbsent(p.layout() == null ? p : p.layout(), k -> new ArrayList<>()).add(p));
    List<Arguments> out = new ArrayList<>();
    for (Topology.Mode mode : MODES) {
      groups.values().forEach(g -> g.forEach(p -> out.add(Arguments.of(mode, p.c().name()))));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("runs")
  void kernelEnforcesTheCase(Topology.Mode mode, String name) {
    Prepared p = PREPARED.stream().filter(x -> x.c().name().equals(name)).findFirst().orElseThrow();
    ConformanceCase c = p.c();
    assertThat(p.unsupported()).as("case %s cannot be laid out as a kernel topology", name).isNull();
    Topology t = topology(mode, p.layout());
    IptablesNodeArtifacts rules = IptablesNodeArtifacts.compile(p.cluster(), p.layout(), BackendOptions.DEFAULTS);
    rules.apply(t);
    NftablesConformanceKernelTest.forgetPreviousCase(t, true);
    ReferenceEvaluator reference = new ReferenceEvaluator(p.cluster());
    List<String> failures = new ArrayList<>();
    List<ReachabilityMatrix> tcpUdp = c.probes().stream().filter(m -> m.protocol() != Protocol.SCTP).toList();
    KernelMatrix.Observed seen = KernelMatrix.observe(t, p.plans(), tcpUdp);
    int planIndex = 0;
    for (ReachabilityMatrix expected : c.probes()) {
      Probe probe = new Probe(expected.port(), expected.protocol());
      ReachabilityMatrix ref = MatrixComputer.compute(p.cluster(), reference, expected.port(), expected.protocol());
      failures.addAll(prefix("reference evaluator vs case: ", MatrixDiff.describe(name, expected, ref)));
      if (probe.protocol() == Protocol.SCTP) {
        ReachabilityMatrix sim = MatrixComputer.compute(p.cluster(), rules.simulator(), expected.port(),
            Protocol.SCTP);
        failures.addAll(prefix("iptables simulator (SCTP) vs case: ", MatrixDiff.describe(name, expected, sim)));
        rules.check(t).forEach((node, why) -> failures.add("the files of node " + node + " are rejected: " + why));
        continue;
      }
      ReachabilityMatrix observed = seen.matrices().get(planIndex++);
      failures.addAll(prefix("kernel (" + mode + ") vs case: ", MatrixDiff.describe(name, expected, observed)));
    }
    CASES.incrementAndGet();
    PROBES.addAndGet(seen.reachability().asMap().size());
    RETRIED.addAndGet(seen.reachability().recoveredOnRetry().size());
    if (!failures.isEmpty()) {
      // Built only on failure: listing the kernel's tables costs three calls per node.
      assertThat(failures).as("case %s (%s) in %s topology [%s]%nobserved:%n%s%n%s", name, c.description(), mode,
          p.layout().describe(), seen.reachability().render(), rules.listed(t)).isEmpty();
    }
  }

  private static List<String> prefix(String what, List<String> lines) {
    return lines.stream().map(l -> what + l).toList();
  }

  /** The topology for {@code layout}, reused while consecutive cases share it; servers on every port its cases probe. */
  private static Topology topology(Topology.Mode mode, KernelLayout layout) {
    String key = mode + " " + layout;
    if (current != null && key.equals(currentKey)) {
      return current;
    }
    closeCurrent();
    long t0 = System.nanoTime();
    List<KernelMatrix.Plan> plans = new ArrayList<>();
    PREPARED.stream().filter(p -> layout.equals(p.layout())).forEach(p -> plans.addAll(p.plans()));
    Set<Integer> numbers = new LinkedHashSet<>();
    KernelMatrix.ports(plans).forEach(ps -> numbers.add(ps.port()));
    List<PortSpec> ports = new ArrayList<>();
    numbers.stream().sorted().forEach(n -> {
      ports.add(PortSpec.tcp(n));
      ports.add(PortSpec.udp(n));
    });
    current = layout.build(mode);
    currentKey = key;
    current.startServers(ports, true);
    TOPOLOGIES.incrementAndGet();
    SETUP_NANOS.addAndGet(System.nanoTime() - t0);
    return current;
  }

  private static void closeCurrent() {
    if (current != null) {
      Topology t = current;
      current = null;
      currentKey = null;
      t.close();
    }
  }
}
