package dev.netpolc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.Backends;
import dev.netpolc.model.Cluster;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The datapath benchmark: what the emitted rules cost each packet, on a real kernel. Per backend
 * and scale point (policies × peers, see {@link DatapathPolicies}) it loads the compiled rules
 * into the node namespace of the rules lane the way users load them ({@code nft -f}, the iptables
 * backend's {@code apply.sh}, {@code netpolc-ebpf attach}), checks the verdicts (the client
 * connects, a pod no policy allows is refused), and measures new TCP connections per second
 * ({@link Crr}), UDP packets per second of one flow and TCP throughput of one stream (iperf3), each
 * run alternating with the same measurement on the baseline lane, which holds no rules at all (see
 * {@link DatapathLanes}). Root only; it prints {@code skipped: ...} and exits 0 otherwise.
 *
 * <pre>java -cp netpolc-bench.jar dev.netpolc.bench.DatapathBench [--json] [--quick] [--runs N]
 *     [--duration S] [--policies 10,1000,10000] [--peers 10,10000,100000]
 *     [--backends nftables,iptables,ebpf,naive-nftables[,minimal-nftables]] [--metrics tcp_crr,udp_pps,tcp_throughput]
 *     [--topology bridge|ptp] [--crr-threads N] [--crr-warmup S] [--repo DIR]</pre>
 *
 * <p>Runs shorter than a second (smoke runs) bound iperf3 by count, as it takes whole seconds
 * only: {@code duration × 50,000} UDP packets, {@code duration × 1,000} MB over TCP.
 *
 * <p>Output: a table, or with {@code --json} one object per measurement, exactly
 * {@code {"backend": ..., "policies": N, "peers": N, "metric": ..., "value": X, "baseline": X, "ratio": X}}
 * (value and baseline are medians of the runs; value and ratio are {@code null} when the backend
 * could not load that point, with the reason on standard error). Progress, verdict checks, load
 * times and spreads go to standard error, lines starting with {@code #}.
 */
public final class DatapathBench {
  /** The node every benchmark pod runs on. */
  static final String NODE = "node0";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(15);

  private DatapathBench() {}

  /** A backend under test; {@link #NONE} is the baseline. */
  enum Kind {
    NONE("none"), NFTABLES("nftables"), IPTABLES("iptables"), EBPF("ebpf"), NAIVE_NFTABLES("naive-nftables"),
    /**
     * Not a backend, opt-in: the floor any stateful nftables ruleset pays, conntrack on and two
     * hand-written rules ({@link DatapathPolicies#minimalNftables()}), to tell conntrack's cost from the rules'.
     */
    MINIMAL_NFTABLES("minimal-nftables");

    final String label;

    Kind(String label) {
      this.label = label;
    }

    static Kind of(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown backend '" + label
          + "' (none, nftables, iptables, ebpf, naive-nftables, minimal-nftables)");
    }
  }

  /** What is measured. */
  enum Metric {
    TCP_CRR("tcp_crr", "conn/s"), UDP_PPS("udp_pps", "pkt/s"), TCP_THROUGHPUT("tcp_throughput", "bit/s");

    final String label;
    final String unit;

    Metric(String label, String unit) {
      this.label = label;
      this.unit = unit;
    }

    static Metric of(String label) {
      for (Metric m : values()) {
        if (m.label.equals(label)) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown metric '" + label + "' (tcp_crr, udp_pps, tcp_throughput)");
    }
  }

  /**
   * The command line.
   *
   * @param json       one JSON object per measurement instead of a table
   * @param runs       runs per measurement (median and spread over them)
   * @param duration   seconds per CRR run (iperf3 runs take it rounded up to whole seconds)
   * @param policies   policy counts to measure
   * @param peers      peer set sizes to measure
   * @param backends   backends besides the baseline, in measuring order
   * @param metrics    metrics, in measuring order
   * @param mode       how the pods are wired
   * @param crrThreads client threads of the CRR loop
   * @param crrWarmup  seconds each CRR client runs before it starts counting
   * @param repo       the checkout (for {@code backends/ebpf/datapath}), if found
   */
  record Options(boolean json, int runs, double duration, List<Integer> policies, List<Integer> peers,
      List<Kind> backends, List<Metric> metrics, DatapathLanes.Mode mode, int crrThreads, double crrWarmup,
      Optional<Path> repo) {}

  /**
   * One measurement of one backend at one point.
   *
   * @param backend   the backend
   * @param policies  policies of the point
   * @param peers     peers of the point
   * @param metric    the metric
   * @param values    the backend's runs (empty when it could not load)
   * @param baselines the baseline runs measured alternately with them
   * @param note      why there are no values, or empty
   */
  record Row(Kind backend, int policies, int peers, Metric metric, List<Double> values, List<Double> baselines,
      String note) {
    OptionalDoubleLike value() {
      return OptionalDoubleLike.median(values);
    }

    OptionalDoubleLike baseline() {
      return OptionalDoubleLike.median(baselines);
    }

    OptionalDoubleLike ratio() {
      return value().present() && baseline().present() && baseline().get() > 0
          ? OptionalDoubleLike.of(value().get() / baseline().get()) : OptionalDoubleLike.EMPTY;
    }

    /**
     * Each run's value over the baseline measured next to it: on a shared machine these pairs
     * see the same load, so their spread says more than the spread of either side.
     */
    List<Double> pairedRatios() {
      List<Double> out = new ArrayList<>();
      for (int i = 0; i < Math.min(values.size(), baselines.size()); i++) {
        out.add(values.get(i) / baselines.get(i));
      }
      return out;
    }

    String json() {
      return String.format(Locale.ROOT,
          "{\"backend\": \"%s\", \"policies\": %d, \"peers\": %d, \"metric\": \"%s\", \"value\": %s, "
              + "\"baseline\": %s, \"ratio\": %s}",
          backend.label, policies, peers, metric.label, value().format(1), baseline().format(1), ratio().format(4));
    }
  }

  /** A median or ratio that may be missing, printed as JSON ({@code null} when missing). */
  record OptionalDoubleLike(boolean present, double value) {
    static final OptionalDoubleLike EMPTY = new OptionalDoubleLike(false, 0);

    static OptionalDoubleLike of(double v) {
      return new OptionalDoubleLike(true, v);
    }

    static OptionalDoubleLike median(List<Double> xs) {
      if (xs.isEmpty()) {
        return EMPTY;
      }
      List<Double> s = xs.stream().sorted().toList();
      int n = s.size();
      return of(n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2);
    }

    double get() {
      if (!present) {
        throw new IllegalStateException("no value");
      }
      return value;
    }

    String format(int decimals) {
      return present ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "null";
    }
  }

  /** Runs the benchmark and exits with its status; see the class comment for the arguments. */
  public static void main(String[] args) {
    int status;
    try {
      status = run(parse(args), System.out, System.err);
    } catch (IllegalArgumentException e) {
      System.err.println("datapath bench: " + e.getMessage());
      status = 2;
    }
    System.exit(status);
  }

  static Options parse(String[] args) {
    boolean json = false;
    boolean quick = false;
    int runs = 3;
    double duration = 5;
    List<Integer> policies = List.of(10, 1_000, 10_000);
    List<Integer> peers = List.of(10, 10_000, 100_000);
    List<Kind> backends = List.of(Kind.NFTABLES, Kind.IPTABLES, Kind.EBPF, Kind.NAIVE_NFTABLES);
    List<Metric> metrics = List.of(Metric.values());
    DatapathLanes.Mode mode = DatapathLanes.Mode.BRIDGE;
    int threads = 4;
    double warmup = 0.5;
    Optional<Path> repo = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.equals("--json") && !a.equals("--quick") && i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      try {
        switch (a) {
          case "--json" -> json = true;
          case "--quick" -> quick = true;
          case "--runs" -> runs = positive(a, Integer.parseInt(args[++i]));
          case "--duration" -> {
            duration = Double.parseDouble(args[++i]);
            if (!(duration > 0 && duration <= 600)) {
              throw new IllegalArgumentException("--duration must be in (0, 600] seconds");
            }
          }
          case "--policies" -> policies = ints(a, args[++i]);
          case "--peers" -> peers = ints(a, args[++i]);
          case "--backends" -> backends = List.of(args[++i].split(",")).stream().map(Kind::of)
              .filter(k -> k != Kind.NONE).distinct().toList();
          case "--metrics" -> metrics = List.of(args[++i].split(",")).stream().map(Metric::of).distinct().toList();
          case "--topology" -> mode = switch (args[++i]) {
            case "bridge" -> DatapathLanes.Mode.BRIDGE;
            case "ptp" -> DatapathLanes.Mode.PTP;
            default -> throw new IllegalArgumentException("--topology is bridge or ptp");
          };
          case "--crr-threads" -> threads = positive(a, Integer.parseInt(args[++i]));
          case "--crr-warmup" -> {
            warmup = Double.parseDouble(args[++i]);
            if (!(warmup >= 0 && warmup <= 60)) {
              throw new IllegalArgumentException("--crr-warmup must be in [0, 60] seconds");
            }
          }
          case "--repo" -> repo = Optional.of(Path.of(args[++i]).toAbsolutePath());
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(a + " needs a number, got '" + args[i] + "'");
      }
    }
    if (quick) {
      policies = List.of(10_000);
      peers = List.of(100_000);
    }
    return new Options(json, runs, duration, policies, peers, backends, metrics, mode, threads, warmup,
        repo.or(DatapathBench::findRepo));
  }

  private static int positive(String flag, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1");
    }
    return v;
  }

  private static List<Integer> ints(String flag, String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(positive(flag, Integer.parseInt(s.strip().replace("_", ""))));
    }
    return List.copyOf(out);
  }

  /** The checkout holding {@code backends/ebpf/datapath/netpolc.bpf.c}, from the working directory up. */
  static Optional<Path> findRepo() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null) {
      if (Files.isRegularFile(d.resolve("backends/ebpf/datapath/netpolc.bpf.c"))) {
        return Optional.of(d);
      }
      d = d.getParent();
    }
    return Optional.empty();
  }

  /** Why the benchmark cannot run here (not root, missing tools), or empty. */
  static List<String> missing(Options o) {
    List<String> out = new ArrayList<>();
    if (!isRoot()) {
      out.add("root");
    }
    List<String> tools = new ArrayList<>(List.of("ip", "nft", "iperf3", "ss", "sysctl", "timeout", "bash"));
    if (o.backends().contains(Kind.IPTABLES)) {
      tools.addAll(List.of("iptables-restore", "ip6tables-restore", "ipset"));
    }
    if (o.backends().contains(Kind.EBPF)) {
      tools.addAll(List.of("clang", "bpftool", "tc", "mount", "umount"));
      if (o.repo().isEmpty()) {
        out.add("backends/ebpf/datapath (run from the checkout or pass --repo)");
      }
    }
    tools.stream().filter(t -> !Exec.onPath(t)).forEach(out::add);
    Path cni = cniDir();
    String plugin = o.mode() == DatapathLanes.Mode.BRIDGE ? "bridge" : "ptp";
    for (String p : List.of(plugin, "host-local")) {
      if (!Files.isExecutable(cni.resolve(p))) {
        out.add("CNI plugin " + cni.resolve(p));
      }
    }
    return out;
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private static Path cniDir() {
    String env = System.getenv("NETPOLC_CNI_PATH");
    return Path.of(env == null || env.isEmpty() ? "/usr/lib/cni" : env);
  }

  /** Runs the benchmark; 0 when done or skipped, 1 when a step failed. */
  static int run(Options o, PrintStream out, PrintStream err) {
    List<String> missing = missing(o);
    if (!missing.isEmpty()) {
      out.println("skipped: needs " + String.join(", ", missing));
      return 0;
    }
    Path work = DatapathLanes.workDir();
    Bench b = new Bench(o, work, out, err);
    // killed (Ctrl-C, SIGTERM): the namespaces, the bpffs mount and the work directory still go
    Thread hook = new Thread(() -> cleanUp(b, work), "npdp-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      b.all();
      return 0;
    } catch (RuntimeException e) {
      err.println("datapath bench: " + e.getMessage());
      return 1;
    } finally {
      cleanUp(b, work);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook has cleaned up already or will
      }
    }
  }

  private static synchronized void cleanUp(Bench b, Path work) {
    b.close();
    Exec.run(Duration.ofSeconds(30), "rm", "-rf", "--", work.toString());
  }

  /** One run of the benchmark: its lanes, eBPF object and bpffs, and the rows so far. */
  private static final class Bench {
    private final Options o;
    private final Path work;
    private final PrintStream out;
    private final PrintStream err;
    private final List<Row> rows = new ArrayList<>();
    private DatapathLanes lanes;
    private Path bpffs;
    private Path object;
    private boolean ebpfAttached;

    Bench(Options o, Path work, PrintStream out, PrintStream err) {
      this.o = o;
      this.work = work;
      this.out = out;
      this.err = err;
    }

    void all() {
      err.printf(Locale.ROOT, "# %d cores, load average %s, %s topology, %d runs of %.1f s, %d CRR client threads%n",
          Runtime.getRuntime().availableProcessors(), loadAverage(), o.mode().name().toLowerCase(Locale.ROOT), o.runs(),
          o.duration(), o.crrThreads());
      String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
          "java").toString());
      lanes = DatapathLanes.create(work, o.mode(), cniDir(), java, System.getProperty("java.class.path"));
      if (o.backends().contains(Kind.EBPF)) {
        prepareEbpf();
      }
      if (!o.json()) {
        out.printf(Locale.ROOT, "%-15s %8s %8s %-15s %14s %14s %8s  %s%n", "backend", "policies", "peers", "metric",
            "value", "baseline", "ratio",
            "spread (min-max of the runs: value; baseline; run-by-run ratios: median min-max)");
      }
      for (int p : o.policies()) {
        for (int n : o.peers()) {
          point(new DatapathPolicies(p, n));
        }
      }
      growth();
      err.println("# load average at the end: " + loadAverage());
    }

    private void point(DatapathPolicies pol) {
      String tag = pol.policies() + " policies / " + pol.peers() + " peers";
      Path dir = work.resolve("point-" + pol.policies() + "-" + pol.peers());
      List<Path> files = pol.write(dir);
      Map<Kind, Path> artifacts = new EnumMap<>(Kind.class);
      Map<Kind, String> cannot = new EnumMap<>(Kind.class);
      Pipeline pipe = new Pipeline(Optional.of(NODE));
      long t0 = System.nanoTime();
      Cluster cluster = pipe.read(files);
      pipe.validate(cluster);
      err.printf(Locale.ROOT, "# %s: read and validated in %.1f s%n", tag, (System.nanoTime() - t0) / 1e9);
      for (Kind k : o.backends()) {
        Path d = dir.resolve(k.label);
        try {
          if (k == Kind.NAIVE_NFTABLES) {
            write(d.resolve("naive.nft"), pol.naiveNftables());
          } else if (k == Kind.MINIMAL_NFTABLES) {
            write(d.resolve("minimal.nft"), DatapathPolicies.minimalNftables());
          } else {
            Backend backend = Backends.find(k.label)
                .orElseThrow(() -> new IllegalStateException("no backend " + k.label));
            long c0 = System.nanoTime();
            Artifact a = pipe.compileInMemory(cluster, backend);
            for (Map.Entry<String, String> f : a.files().entrySet()) {
              write(d.resolve(f.getKey()), f.getValue());
            }
            err.printf(Locale.ROOT, "# %s: %s compiled in %.1f s, %s%n", tag, k.label, (System.nanoTime() - c0) / 1e9,
                backend.statistics(a));
          }
          artifacts.put(k, d);
        } catch (BackendException | RuntimeException e) {
          cannot.put(k, "cannot compile: " + e.getMessage());
        }
      }
      Map<Metric, List<Double>> allBaselines = new EnumMap<>(Metric.class);
      o.metrics().forEach(m -> allBaselines.put(m, new ArrayList<>()));
      for (Kind k : o.backends()) {
        String why = cannot.get(k);
        if (why == null) {
          try {
            clear();
            why = load(k, artifacts.get(k), tag);
          } catch (RuntimeException e) {
            why = "cannot load: " + e.getMessage();
          }
        }
        if (why != null) {
          err.println("# " + tag + ": " + k.label + " " + why);
          for (Metric m : o.metrics()) {
            emit(new Row(k, pol.policies(), pol.peers(), m, List.of(), List.of(), why));
          }
          continue;
        }
        Map<Metric, List<Double>> values = new EnumMap<>(Metric.class);
        Map<Metric, List<Double>> baselines = new EnumMap<>(Metric.class);
        for (int r = 0; r < o.runs(); r++) {
          for (Metric m : o.metrics()) {
            // alternate which lane goes first, so neither always follows the other
            boolean baseFirst = r % 2 == 0;
            double x;
            double y;
            if (baseFirst) {
              y = measure(lanes.baseline(), m);
              x = measure(lanes.rules(), m);
            } else {
              x = measure(lanes.rules(), m);
              y = measure(lanes.baseline(), m);
            }
            values.computeIfAbsent(m, z -> new ArrayList<>()).add(x);
            baselines.computeIfAbsent(m, z -> new ArrayList<>()).add(y);
            allBaselines.get(m).add(y);
          }
        }
        for (Metric m : o.metrics()) {
          emit(new Row(k, pol.policies(), pol.peers(), m, values.get(m), baselines.get(m), ""));
        }
      }
      clear();
      if (o.backends().isEmpty()) {
        for (int r = 0; r < o.runs(); r++) {
          for (Metric m : o.metrics()) {
            allBaselines.get(m).add(measure(lanes.baseline(), m));
          }
        }
      }
      for (Metric m : o.metrics()) {
        List<Double> all = allBaselines.get(m);
        emit(new Row(Kind.NONE, pol.policies(), pol.peers(), m, all, all, ""));
      }
    }

    /** Loads {@code k}'s files into the rules lane and checks the verdicts; the reason it cannot, or null. */
    private String load(Kind k, Path dir, String tag) {
      String node = lanes.rules().ns("node");
      long t0 = System.nanoTime();
      Exec.Result r = switch (k) {
        case NFTABLES -> Exec.inNs(LOAD_TIMEOUT, node, null, "nft", "-f", dir.resolve("netpolc.nft").toString());
        case NAIVE_NFTABLES -> Exec.inNs(LOAD_TIMEOUT, node, null, "nft", "-f", dir.resolve("naive.nft").toString());
        case MINIMAL_NFTABLES -> Exec.inNs(LOAD_TIMEOUT, node, null, "nft", "-f",
            dir.resolve("minimal.nft").toString());
        case IPTABLES -> Exec.inNs(LOAD_TIMEOUT, node, null, "bash", dir.resolve("apply.sh").toString());
        case EBPF -> {
          List<String> argv = new ArrayList<>(List.of("bash", ebpfScript().toString(), "attach", "--artifact",
              dir.toString(), "--object", object.toString(), "--pin-dir", bpffs.resolve("pins").toString()));
          lanes.hostVeths(lanes.rules()).values().forEach(v -> argv.addAll(List.of("--interface", v)));
          ebpfAttached = true;
          yield Exec.inNs(LOAD_TIMEOUT, node, null, argv.toArray(String[]::new));
        }
        case NONE -> throw new IllegalArgumentException("the baseline loads nothing");
      };
      if (!r.ok()) {
        return "cannot load: " + r.describe();
      }
      err.printf(Locale.ROOT, "# %s: %s loaded in %.1f s%n", tag, k.label, (System.nanoTime() - t0) / 1e9);
      boolean client = lanes.connects(lanes.rules(), "client", Duration.ofSeconds(3));
      boolean denied = lanes.connects(lanes.rules(), "denied", Duration.ofSeconds(1));
      if (!client || denied) {
        throw new IllegalStateException(k.label + " at " + tag + ": wrong verdicts after loading: the allowed client "
            + (client ? "connects" : "is refused") + ", the pod no policy allows "
            + (denied ? "connects" : "is refused"));
      }
      err.println("# verdicts " + k.label + " " + tag + ": client allowed, other pod refused");
      return null;
    }

    /** Empties the rules lane's node (every nftables table, iptables-nft's included, every ipset, our eBPF attach). */
    private void clear() {
      String node = lanes.rules().ns("node");
      if (ebpfAttached) {
        Exec.inNs(LOAD_TIMEOUT, node, null, "bash", ebpfScript().toString(), "detach", "--pin-dir",
            bpffs.resolve("pins").toString()).orThrow();
        ebpfAttached = false;
      }
      Exec.inNs(LOAD_TIMEOUT, node, null, "nft", "flush", "ruleset").orThrow();
      if (Exec.onPath("ipset")) {
        Exec.inNs(LOAD_TIMEOUT, node, null, "ipset", "destroy").orThrow();
      }
      if (!lanes.connects(lanes.rules(), "denied", Duration.ofSeconds(3))) {
        throw new IllegalStateException("with no rules loaded, the other pod still cannot connect: rules left behind");
      }
    }

    /** One run of {@code m} in {@code lane}. */
    private double measure(DatapathLanes.Lane lane, Metric m) {
      String client = lane.ns("client");
      int secs = (int) Math.ceil(o.duration());
      Duration timeout = Duration.ofSeconds(secs + 60);
      return switch (m) {
        case TCP_CRR -> {
          String java = ProcessHandle.current().info().command().orElse("java");
          Exec.Result r = Exec.inNs(timeout, client, null, java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
              System.getProperty("java.class.path"), Crr.class.getName(), "client", DatapathLanes.SERVER_IP,
              Integer.toString(DatapathLanes.CRR_PORT), Integer.toString(o.crrThreads()),
              Double.toString(o.duration()), Double.toString(o.crrWarmup()));
          if (!r.ok()) {
            throw new IllegalStateException("CRR client in " + client + " failed: " + r.describe() + " " + r.stdout());
          }
          yield Crr.Result.parse(r.stdout()).rate();
        }
        case UDP_PPS -> {
          // iperf3 takes whole seconds only: a shorter (smoke) run is bounded by a packet count instead
          String[] length = o.duration() >= 1 ? new String[] {"-t", Integer.toString(secs)}
              : new String[] {"-k", Long.toString((long) (o.duration() * 50_000))};
          JsonNode end = iperf(client, length, "-u", "-b", "0", "-l", "64").path("end").path("sum");
          double packets = end.path("packets").asDouble() - end.path("lost_packets").asDouble();
          yield packets / end.path("seconds").asDouble();
        }
        case TCP_THROUGHPUT -> {
          String[] length = o.duration() >= 1 ? new String[] {"-t", Integer.toString(secs)}
              : new String[] {"-n", (long) (o.duration() * 1_000) + "M"};
          yield iperf(client, length).path("end").path("sum_received").path("bits_per_second").asDouble();
        }
      };
    }

    private JsonNode iperf(String clientNs, String[] length, String... extra) {
      int secs = (int) Math.ceil(o.duration());
      List<String> argv = new ArrayList<>(List.of("iperf3", "-c", DatapathLanes.SERVER_IP, "-p",
          Integer.toString(DatapathLanes.IPERF_PORT), "-J"));
      argv.addAll(List.of(length));
      argv.addAll(List.of(extra));
      Exec.Result r = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        r = Exec.inNs(Duration.ofSeconds(secs + 60), clientNs, null, argv.toArray(String[]::new));
        if (r.ok()) {
          try {
            return JSON.readTree(r.stdout());
          } catch (IOException e) {
            throw new IllegalStateException("iperf3 printed no JSON: " + r.stdout(), e);
          }
        }
        sleep(1_000); // the server may still be finishing the previous test ("server is busy")
      }
      throw new IllegalStateException("iperf3 in " + clientNs + " failed: " + r.describe() + " " + r.stdout());
    }

    private void emit(Row row) {
      rows.add(row);
      if (o.json()) {
        out.println(row.json());
      } else {
        double scale = row.metric() == Metric.TCP_THROUGHPUT ? 1e9 : 1;
        String unit = row.metric() == Metric.TCP_THROUGHPUT ? " Gbit/s" : " " + row.metric().unit;
        String spread = row.values().isEmpty() ? row.note()
            : row.backend() == Kind.NONE ? String.format(Locale.ROOT, "%s (%d runs)", range(row.values(), scale),
                row.values().size())
            : String.format(Locale.ROOT, "%s; %s; paired ratios %s %.3f-%.3f (%d runs)%s", range(row.values(), scale),
                range(row.baselines(), scale), OptionalDoubleLike.median(row.pairedRatios()).format(3),
                row.pairedRatios().stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                row.pairedRatios().stream().mapToDouble(Double::doubleValue).max().orElseThrow(), row.values().size(),
                row.backend() == Kind.NAIVE_NFTABLES ? "  STRAWMAN" : "");
        out.printf(Locale.ROOT, "%-15s %8d %8d %-15s %14s %14s %8s  %s%n", row.backend().label, row.policies(),
            row.peers(), row.metric().label, scaled(row.value(), scale, unit), scaled(row.baseline(), scale, unit),
            row.ratio().present() ? String.format(Locale.ROOT, "%.3f", row.ratio().get()) : "-", spread);
      }
      out.flush();
    }

    /** For each backend, peer count and metric: how the value at the most policies compares with the fewest. */
    private void growth() {
      if (o.policies().size() < 2) {
        return;
      }
      int lo = o.policies().stream().min(Comparator.naturalOrder()).orElseThrow();
      int hi = o.policies().stream().max(Comparator.naturalOrder()).orElseThrow();
      Map<String, Row> byKey = new LinkedHashMap<>();
      rows.forEach(r -> byKey.put(r.backend() + "/" + r.policies() + "/" + r.peers() + "/" + r.metric(), r));
      for (Row r : rows) {
        if (r.policies() != lo || r.backend() == Kind.NONE) {
          continue;
        }
        Row h = byKey.get(r.backend() + "/" + hi + "/" + r.peers() + "/" + r.metric());
        if (h != null && r.ratio().present() && h.ratio().present()) {
          (o.json() ? err : out).printf(Locale.ROOT,
              "# growth %s %d peers %s: ratio to baseline %.3f at %d policies, %.3f at %d (%+.1f %%)%n",
              r.backend().label, r.peers(), r.metric().label, r.ratio().get(), lo, h.ratio().get(), hi,
              100 * (h.ratio().get() / r.ratio().get() - 1));
        }
      }
    }

    private void prepareEbpf() {
      bpffs = work.resolve("bpffs");
      try {
        Files.createDirectories(bpffs);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Exec.run(Duration.ofSeconds(30), "mount", "-t", "bpf", "npdp", bpffs.toString()).orThrow();
      object = work.resolve("netpolc.bpf.o");
      Path src = o.repo().orElseThrow().resolve("backends/ebpf/datapath/netpolc.bpf.c");
      Exec.run(Duration.ofMinutes(3), "clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c",
          src.toString(), "-o", object.toString()).orThrow();
    }

    private Path ebpfScript() {
      return o.repo().orElseThrow().resolve("backends/ebpf/datapath/netpolc-ebpf");
    }

    void close() {
      if (lanes != null) {
        lanes.close(); // the veths, and with them the tc filters, go with the namespaces
      }
      if (bpffs != null) {
        Exec.run(Duration.ofSeconds(30), "umount", bpffs.toString());
        bpffs = null;
      }
    }
  }

  private static String range(List<Double> xs, double scale) {
    double min = xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN) / scale;
    double max = xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN) / scale;
    return scale == 1 ? String.format(Locale.ROOT, "%.0f-%.0f", min, max)
        : String.format(Locale.ROOT, "%.2f-%.2f", min, max);
  }

  private static String scaled(OptionalDoubleLike v, double scale, String unit) {
    if (!v.present()) {
      return "-";
    }
    return scale == 1 ? String.format(Locale.ROOT, "%.0f%s", v.get(), unit)
        : String.format(Locale.ROOT, "%.2f%s", v.get() / scale, unit);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void write(Path p, String text) {
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
