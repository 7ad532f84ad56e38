package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.conformance.ConformanceCase;
import dev.netpolc.compiler.conformance.ConformanceCorpus;
import dev.netpolc.compiler.conformance.MatrixDiff;
import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The conformance corpus on the kernel for one backend: each case is laid out as a topology
 * (one per distinct layout and mode, reused by consecutive cases), the backend's per-node
 * artifacts are installed, every TCP/UDP probe is observed, and the observed matrix, the case's
 * {@code allowed} and the reference evaluator's matrix must all agree. SCTP cannot run here (no
 * {@code CONFIG_IP_SCTP}): for SCTP probes the backend's simulator must match the case and its
 * own tools must accept the artifacts. Before each case conntrack and neighbour caches are
 * flushed ({@link #forgetPreviousCase}), so no case sees another's state. Each step of a case
 * ({@link ConformanceCase#steps()}) runs as a case of its own, named {@code case#i} from step 1
 * on; a case that requires a feature the backend lacks is skipped with the reason.
 */
final class ConformanceKernelRun {

  /**
   * A case (one step of a corpus case) ready to run: its cluster, its layout and the plan of its
   * TCP/UDP probes; or, for a case whose addresses the kernel topology cannot reproduce, why not
   * (the case then fails); or, for a case that requires a feature the backend lacks, why it is
   * skipped (then nothing else is set).
   */
  private record Prepared(ConformanceCase c, Cluster cluster, KernelLayout layout, List<KernelMatrix.Plan> plans,
      String unsupported, String skip) {}

  private final String backend;
  private final List<Topology.Mode> modes;
  private final BiFunction<Cluster, KernelLayout, NodeArtifacts> compile;
  private final Set<String> features;
  private final List<Prepared> prepared;
  private Topology current;
  private String currentKey;
  private int cases;
  private int probes;
  private int retried;
  private int topologies;
  private long setupNanos;
  private long started;

  /**
   * @param backend the backend's name, for messages
   * @param modes   the pod networks to run, in order
   * @param compile the backend's per-node artifacts of a case
   */
  ConformanceKernelRun(String backend, List<Topology.Mode> modes,
      BiFunction<Cluster, KernelLayout, NodeArtifacts> compile) {
    this(backend, modes, compile, Set.of());
  }

  /**
   * @param backend  the backend's name, for messages
   * @param modes    the pod networks to run, in order
   * @param compile  the backend's per-node artifacts of a case
   * @param features the case features ({@link ConformanceCase#FEATURES}) the backend enforces;
   *                 cases that require others are skipped
   */
  ConformanceKernelRun(String backend, List<Topology.Mode> modes,
      BiFunction<Cluster, KernelLayout, NodeArtifacts> compile, Set<String> features) {
    this.backend = backend;
    this.modes = List.copyOf(modes);
    this.compile = compile;
    this.features = Set.copyOf(features);
    this.prepared = prepare(this.features);
  }

  /** Marks the start, for the summary line. */
  void start() {
    started = System.nanoTime();
  }

  /** Closes the last topology and prints the summary line. */
  void finish() {
    closeCurrent();
    if (started != 0) {
      System.out.printf("%s conformance on the kernel: %d case runs, %d probes (%d needed a retry),"
          + " %d topologies built in %d ms, whole class %d ms%n", backend, cases, probes, retried,
          topologies, setupNanos / 1_000_000, (System.nanoTime() - started) / 1_000_000);
    }
  }

  private static List<Prepared> prepare(Set<String> features) {
    List<Prepared> out = new ArrayList<>();
    for (ConformanceCase corpusCase : ConformanceCorpus.all()) {
      Optional<String> skip = corpusCase.unsupportedBy(features);
      if (skip.isPresent()) {
        out.add(new Prepared(corpusCase, null, null, List.of(), null, skip.get()));
        continue;
      }
      for (ConformanceCase c : corpusCase.steps()) {
        Cluster cluster = c.toCluster();
        try {
          KernelLayout layout = KernelLayout.of(cluster);
          List<Probe> tcpUdp = c.probeSpecs().stream().filter(p -> p.protocol() != Protocol.SCTP).toList();
          out.add(new Prepared(c, cluster, layout, KernelMatrix.plan(cluster, layout, tcpUdp), null, null));
        } catch (IllegalArgumentException e) {
          out.add(new Prepared(c, cluster, null, List.of(), e.getMessage(), null));
        }
      }
    }
    return out;
  }

  /** Per mode, the cases grouped by layout (groups in order of first appearance), so each topology is built once. */
  Stream<Arguments> runs() {
    return runs((cluster, layout) -> true);
  }

  /**
   * Like {@link #runs()}, but only the cases {@code include} accepts (cases that cannot be laid
   * out are always kept, so they still fail loudly).
   */
  Stream<Arguments> runs(BiPredicate<Cluster, KernelLayout> include) {
    Map<Object, List<Prepared>> groups = new LinkedHashMap<>();
    prepared.stream().filter(p -> p.layout() == null || include.test(p.cluster(), p.layout()))
        .forEach(p -> groups.computeIfAbsent(p.layout() == null ? p : p.layout(), k -> new ArrayList<>()).add(p));
    List<Arguments> out = new ArrayList<>();
    for (Topology.Mode mode : modes) {
      groups.values().forEach(g -> g.forEach(p -> out.add(Arguments.of(mode, p.c().name()))));
    }
    return out.stream();
  }

  /** Runs case {@code name} in {@code mode}; fails with every disagreement and what the kernel held. */
  void run(Topology.Mode mode, String name) {
    Prepared p = prepared.stream().filter(x -> x.c().name().equals(name)).findFirst().orElseThrow();
    Assumptions.assumeTrue(p.skip() == null, p.skip());
    ConformanceCase c = p.c();
    assertThat(p.unsupported()).as("case %s cannot be laid out as a kernel topology", name).isNull();
    Topology t = topology(mode, p.layout());
    NodeArtifacts rules = compile.apply(p.cluster(), p.layout());
    rules.load(t);
    forgetPreviousCase(t, true);
    ReferenceEvaluator reference = new ReferenceEvaluator(p.cluster());
    List<String> failures = new ArrayList<>();
    List<ReachabilityMatrix> tcpUdp = c.probes().stream().filter(m -> m.protocol() != Protocol.SCTP).toList();
    KernelMatrix.Observed seen = KernelMatrix.observe(t, p.plans(), tcpUdp);
    int planIndex = 0;
    for (ReachabilityMatrix expected : c.probes()) {
      ReachabilityMatrix ref = MatrixComputer.compute(p.cluster(), reference, expected.port(), expected.protocol());
      failures.addAll(prefix("reference evaluator vs case: ", MatrixDiff.describe(name, expected, ref)));
      if (expected.protocol() == Protocol.SCTP) {
        ReachabilityMatrix sim = MatrixComputer.compute(p.cluster(), rules.simulator(), expected.port(),
            Protocol.SCTP);
        failures.addAll(prefix(backend + " simulator (SCTP) vs case: ", MatrixDiff.describe(name, expected, sim)));
        rules.check(t).forEach((node, why) ->
            failures.add(backend + " rejects the artifact of node " + node + ": " + why));
        continue;
      }
      ReachabilityMatrix observed = seen.matrices().get(planIndex++);
      failures.addAll(prefix("kernel (" + mode + ") vs case: ", MatrixDiff.describe(name, expected, observed)));
    }
    cases++;
    probes += seen.reachability().asMap().size();
    retried += seen.reachability().recoveredOnRetry().size();
    if (!failures.isEmpty()) {
      // Built only on failure: listing what the kernel holds costs calls per node.
      assertThat(failures).as("case %s (%s) in %s topology [%s]%nobserved:%n%s%n%s", name, c.description(), mode,
          p.layout().describe(), seen.reachability().render(), rules.listed(t)).isEmpty();
    }
  }

  /**
   * Makes every case start from the same kernel state, whatever ran before on this topology:
   * conntrack is flushed in the nodes (a reply of the previous case's flow must not make a probe
   * "established"), and the pods' neighbour caches are flushed (so a case cannot borrow an ARP or
   * NDP answer that its own rules would have stopped). One shell for all namespaces: it is cheap.
   * Without {@code conntrack}, only the neighbour caches are flushed.
   */
  static void forgetPreviousCase(Topology t, boolean conntrack) {
    StringBuilder sh = new StringBuilder();
    for (String node : conntrack ? t.nodes().stream().map(n -> n.name()).toList() : List.<String>of()) {
      for (String family : List.of("ipv4", "ipv6")) {
        sh.append("ip netns exec ").append(t.nodeNamespace(node)).append(" conntrack -F -f ").append(family)
            .append(" >/dev/null 2>&1 || { echo conntrack -F failed in ").append(node).append(" >&2; exit 1; };");
      }
    }
    for (String pod : t.podKeys()) {
      sh.append("ip -n ").append(t.podNamespace(pod)).append(" neigh flush all;");
    }
    dev.netpolc.kernel.Commands.run(Topology.COMMAND_TIMEOUT, "sh", "-c", sh + "true").orThrow();
  }

  private static List<String> prefix(String what, List<String> lines) {
    return lines.stream().map(l -> what + l).toList();
  }

  /** The topology for {@code layout}, reused while consecutive cases share it; servers on every port its cases probe. */
  private Topology topology(Topology.Mode mode, KernelLayout layout) {
    String key = mode + " " + layout;
    if (current != null && key.equals(currentKey)) {
      return current;
    }
    closeCurrent();
    long t0 = System.nanoTime();
    List<KernelMatrix.Plan> plans = new ArrayList<>();
    prepared.stream().filter(p -> layout.equals(p.layout())).forEach(p -> plans.addAll(p.plans()));
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
    topologies++;
    setupNanos += System.nanoTime() - t0;
    return current;
  }

  private void closeCurrent() {
    if (current != null) {
      Topology t = current;
      current = null;
      currentKey = null;
      t.close();
    }
  }
}
