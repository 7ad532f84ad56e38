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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * flushed ({@link #forgetPreviousCase}), so no case sees another's state. The modes run at the
 * same time, each on its own topologies ({@link #run}); {@code -Dnetpolc.kernel.sequentialModes=true}
 * runs them one after the other. Each step of a case
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
  /**
   * Lanes per mode: each lane runs a share of the mode's layout groups on a topology of its own,
   * all lanes at once. The backend's default, or {@code -Dnetpolc.kernel.lanesPerMode=N}.
   */
  private final int lanes;
  /** Per lane ({@code mode#i}), the topology its cases run on now (lanes run at the same time, each on its own). */
  private final Map<String, Topology> current = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, String> currentKey = new java.util.concurrent.ConcurrentHashMap<>();
  /** The invocations {@link #runs} handed to JUnit, in order: the other modes replay them in the background. */
  private final List<Arguments> planned = new ArrayList<>();
  /** Outcomes of the background modes' cases, by {@code mode + " " + name}. */
  private final Map<String, CompletableFuture<Throwable>> background = new java.util.concurrent.ConcurrentHashMap<>();
  private ExecutorService backgroundModes;
  /** Set by {@link #finish}: the background lanes start no further case. */
  private volatile boolean stopping;
  private final LongAdder cases = new LongAdder();
  private final LongAdder probes = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final LongAdder topologies = new LongAdder();
  private final LongAdder setupNanos = new LongAdder();
  private long started;
  /** Time spent per phase of the case runs (compile, load, flush, probe), for the summary line. */
  private final LongAdder[] phaseNanos = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
  /** Time a case waited for its flush after its load (the rest of the flush ran during compile and load). */
  private final LongAdder flushWaitNanos = new LongAdder();
  /** Runs each case's flush while the case compiles and loads (one at a time per lane). */
  private final ExecutorService flusher = Executors.newCachedThreadPool(r -> {
    Thread th = new Thread(r, "netpolc-conformance-flush");
    th.setDaemon(true);
    return th;
  });

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
    this(backend, modes, compile, features, 1);
  }

  /**
   * @param backend      the backend's name, for messages
   * @param modes        the pod networks to run, in order
   * @param compile      the backend's per-node artifacts of a case
   * @param features     the case features ({@link ConformanceCase#FEATURES}) the backend enforces;
   *                     cases that require others are skipped
   * @param defaultLanes lanes per mode unless {@code -Dnetpolc.kernel.lanesPerMode} says otherwise:
   *                     more than one pays where a case mostly waits (probe timeouts, short loads),
   *                     not where its load keeps the CPUs busy
   */
  ConformanceKernelRun(String backend, List<Topology.Mode> modes,
      BiFunction<Cluster, KernelLayout, NodeArtifacts> compile, Set<String> features, int defaultLanes) {
    this.lanes = Math.max(1, Integer.getInteger("netpolc.kernel.lanesPerMode", defaultLanes));
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

  /** Stops the background modes, closes the last topologies and prints the summary line. */
  void finish() {
    try {
      if (backgroundModes != null) {
        // Every background case was awaited by its own invocation unless JUnit ran a subset: then
        // the lanes start no further case. They are not interrupted: a lane may still be closing its
        // topology, and an interrupted clean-up would leave its namespaces behind.
        stopping = true;
        backgroundModes.shutdown();
        if (!backgroundModes.awaitTermination(5, TimeUnit.MINUTES)) {
          System.out.printf("%s conformance: a background lane did not stop in 5 minutes: interrupting it%n", backend);
          backgroundModes.shutdownNow();
          backgroundModes.awaitTermination(1, TimeUnit.MINUTES);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      flusher.shutdown();
      List.copyOf(current.keySet()).forEach(this::closeCurrent);
    }
    if (started != 0) {
      System.out.printf("%s conformance on the kernel: %d case runs, %d probes (%d needed a retry),"
          + " %d topologies built in %d ms, whole class %d ms%n", backend, cases.sum(), probes.sum(), retried.sum(),
          topologies.sum(), setupNanos.sum() / 1_000_000, (System.nanoTime() - started) / 1_000_000);
      System.out.printf("%s conformance phases (summed over the modes running at once): compile %d ms, load %d ms,"
          + " flush %d ms (during compile and load; %d ms waited for after the load), probe %d ms%n", backend,
          phaseNanos[0].sum() / 1_000_000, phaseNanos[1].sum() / 1_000_000, phaseNanos[2].sum() / 1_000_000,
          flushWaitNanos.sum() / 1_000_000, phaseNanos[3].sum() / 1_000_000);
    }
  }

  private static List<Prepared> prepare(Set<String> features) {
    List<Prepared> out = new ArrayList<>();
    // For a developer's focused run: -Dnetpolc.kernel.cases=REGEX keeps the cases whose name matches.
    java.util.regex.Pattern only = java.util.regex.Pattern.compile(System.getProperty("netpolc.kernel.cases", ".*"));
    for (ConformanceCase corpusCase : ConformanceCorpus.all()) {
      if (!only.matcher(corpusCase.name()).matches()) {
        continue;
      }
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
    synchronized (planned) {
      planned.clear();
      planned.addAll(out);
    }
    return out.stream();
  }

  /**
   * Runs case {@code name} in {@code mode}; fails with every disagreement and what the kernel held.
   *
   * <p>The first mode's cases run here, as JUnit calls them. When the first of them starts, every
   * other mode's cases start in the background, in the order JUnit will ask for them, each mode
   * on its own topology: a case spends most of its time waiting (for probe timeouts, for
   * {@code nft}/{@code iptables-restore}/{@code bpftool}), so two modes at once take little more
   * than one. An invocation of another mode then reports its background outcome. Each case still
   * has its own topology state: the modes share nothing but the machine. With more than one lane
   * per mode ({@link #lanes}) every mode's cases run in the background, split by layout group
   * into that many lanes, each on its own topology.
   */
  void run(Topology.Mode mode, String name) {
    if (mode == modes.get(0) || lanes > 1) {
      startBackgroundModes();
    }
    CompletableFuture<Throwable> done = background.get(mode + " " + name);
    if (done == null) {
      execute(mode + "#0", mode, name);
      return;
    }
    Throwable outcome;
    try {
      outcome = done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + mode + " " + name, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("background run of " + mode + " " + name + " failed", e.getCause());
    }
    if (outcome instanceof RuntimeException r) {
      throw r;
    }
    if (outcome instanceof Error err) {
      throw err;
    }
    if (outcome != null) {
      throw new IllegalStateException(outcome);
    }
  }

  private synchronized void startBackgroundModes() {
    if (backgroundModes != null || (modes.size() < 2 && lanes < 2)
        || Boolean.getBoolean("netpolc.kernel.sequentialModes")) {
      return;
    }
    List<Arguments> order;
    synchronized (planned) {
      order = List.copyOf(planned);
    }
    Map<String, List<String>> byLane = new LinkedHashMap<>();
    Map<String, Topology.Mode> laneMode = new LinkedHashMap<>();
    for (Topology.Mode mode : lanes > 1 ? modes : modes.subList(1, modes.size())) {
      List<String> names = order.stream().filter(a -> a.get()[0] == mode).map(a -> (String) a.get()[1]).toList();
      List<List<String>> split = split(names, lanes);
      for (int i = 0; i < split.size(); i++) {
        if (!split.get(i).isEmpty()) {
          byLane.put(mode + "#" + i, split.get(i));
          laneMode.put(mode + "#" + i, mode);
        }
      }
    }
    if (byLane.isEmpty()) {
      return;
    }
    backgroundModes = Executors.newFixedThreadPool(byLane.size(), r -> {
      Thread th = new Thread(r, "netpolc-conformance-" + backend);
      th.setDaemon(true);
      return th;
    });
    byLane.forEach((lane, names) -> {
      Topology.Mode mode = laneMode.get(lane);
      names.forEach(n -> background.put(mode + " " + n, new CompletableFuture<>()));
      backgroundModes.submit(() -> {
        for (String n : names) {
          CompletableFuture<Throwable> f = background.get(mode + " " + n);
          if (stopping || Thread.currentThread().isInterrupted()) {
            f.complete(new IllegalStateException("the background run of " + lane + " stopped before " + n));
            continue;
          }
          try {
            execute(lane, mode, n);
            f.complete(null);
          } catch (Throwable e) {
            f.complete(e);
          }
        }
        try {
          closeCurrent(lane);
        } catch (RuntimeException e) {
          // The lane's cases have their outcomes already; an incomplete clean-up must still be seen.
          System.err.printf("%s conformance: closing the topology of lane %s: %s%n", backend, lane, e.getMessage());
        }
      });
    });
  }

  /**
   * {@code names} (in run order, cases of one layout next to each other) as {@code n} lanes:
   * whole layout groups, each to the lane with the fewest cases so far, order kept within a lane.
   */
  private List<List<String>> split(List<String> names, int n) {
    List<List<String>> lanes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lanes.add(new ArrayList<>());
    }
    List<List<String>> groups = new ArrayList<>();
    Object last = null;
    for (String name : names) {
      Prepared p = prepared.stream().filter(x -> x.c().name().equals(name)).findFirst().orElseThrow();
      Object key = p.layout() == null ? p : p.layout();
      if (groups.isEmpty() || !key.equals(last)) {
        groups.add(new ArrayList<>());
      }
      groups.get(groups.size() - 1).add(name);
      last = key;
    }
    for (List<String> g : groups) {
      lanes.stream().min(java.util.Comparator.comparingInt(List::size)).orElseThrow().addAll(g);
    }
    return lanes;
  }

  private void execute(String lane, Topology.Mode mode, String name) {
    Prepared p = prepared.stream().filter(x -> x.c().name().equals(name)).findFirst().orElseThrow();
    Assumptions.assumeTrue(p.skip() == null, p.skip());
    ConformanceCase c = p.c();
    assertThat(p.unsupported()).as("case %s cannot be laid out as a kernel topology", name).isNull();
    Topology t = topology(lane, mode, p.layout());
    // The flush runs while the case compiles and loads: only packets make conntrack or neighbour
    // entries, and none flow on this topology between the previous case's last probe (done before
    // this call) and this case's first (after the join below), so flushing earlier forgets the same.
    long t0 = System.nanoTime();
    CompletableFuture<Long> flush = CompletableFuture.supplyAsync(() -> {
      long f0 = System.nanoTime();
      forgetPreviousCase(t, true);
      return System.nanoTime() - f0;
    }, flusher);
    NodeArtifacts rules;
    long t1;
    long t2;
    try {
      rules = compile.apply(p.cluster(), p.layout());
      t1 = System.nanoTime();
      rules.loadForNewCase(t);
      t2 = System.nanoTime();
    } catch (RuntimeException | Error e) {
      flush.handle((v, x) -> v).join(); // never close the topology under a running flush
      throw e;
    }
    phaseNanos[2].add(awaitFlush(flush, name));
    long t3 = System.nanoTime();
    flushWaitNanos.add(t3 - t2);
    ReferenceEvaluator reference = new ReferenceEvaluator(p.cluster());
    List<String> failures = new ArrayList<>();
    List<ReachabilityMatrix> tcpUdp = c.probes().stream().filter(m -> m.protocol() != Protocol.SCTP).toList();
    KernelMatrix.Observed seen = KernelMatrix.observe(t, p.plans(), tcpUdp);
    long t4 = System.nanoTime();
    phaseNanos[0].add(t1 - t0);
    phaseNanos[1].add(t2 - t1);
    phaseNanos[3].add(t4 - t3);
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
    cases.increment();
    probes.add(seen.reachability().asMap().size());
    retried.add(seen.reachability().recoveredOnRetry().size());
    if (!failures.isEmpty()) {
      // Built only on failure: listing what the kernel holds costs calls per node.
      assertThat(failures).as("case %s (%s) in %s topology [%s]%nobserved:%n%s%n%s", name, c.description(), mode,
          p.layout().describe(), seen.reachability().render(), rules.listed(t)).isEmpty();
    }
  }

  /** The flush's own time, once it is done; its failure fails the case. */
  private static long awaitFlush(CompletableFuture<Long> flush, String name) {
    try {
      return flush.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while flushing before " + name, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("flushing before " + name + " failed", e.getCause());
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
        // nsenter joins only the network namespace; ip netns exec also remounts /sys, which conntrack does not need.
        sh.append("nsenter --net=/run/netns/").append(t.nodeNamespace(node)).append(" conntrack -F -f ").append(family)
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

  /**
   * The topology of {@code mode} for {@code layout}, reused while consecutive cases share it;
   * servers on every port its cases probe.
   */
  private Topology topology(String lane, Topology.Mode mode, KernelLayout layout) {
    String key = mode + " " + layout;
    Topology now = current.get(lane);
    if (now != null && key.equals(currentKey.get(lane))) {
      return now;
    }
    closeCurrent(lane);
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
    Topology built = layout.build(mode);
    current.put(lane, built);
    currentKey.put(lane, key);
    built.startServers(ports, true);
    topologies.increment();
    setupNanos.add(System.nanoTime() - t0);
    return built;
  }

  private void closeCurrent(String lane) {
    Topology t = current.remove(lane);
    currentKey.remove(lane);
    if (t != null) {
      t.close();
    }
  }
}
