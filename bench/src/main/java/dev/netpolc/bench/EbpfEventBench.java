package dev.netpolc.bench;

import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.ebpf.EbpfBackend;
import dev.netpolc.backend.ebpf.EbpfMaps;
import dev.netpolc.backend.ebpf.MapCommand;
import dev.netpolc.backend.ebpf.MapsDiff;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.Preset;
import dev.netpolc.model.generate.RealisticTiers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The eBPF map entries one cluster event touches: the update and delete commands of
 * {@link MapsDiff#between} from the maps before the event to the maps after it, what a live
 * {@code netpolc-ebpf update} writes. Events on a generated cluster, each followed by its undo
 * (which is measured too): a pod added with the labels, namespace and node of an existing pod
 * ({@code add-pod}, its group exists) and removed again ({@code remove-pod}); a namespace taking
 * another namespace's labels and back ({@code ns-label}); a policy removed and added back
 * ({@code remove-policy}, {@code add-policy}). Prints per kind the samples, median, p99 and
 * maximum of entries touched; an add or remove that created or dropped a group on the compiled
 * node is counted as {@code add-pod-new-group} / {@code remove-pod-last-of-group}. With
 * {@code --tiers} the cluster gets {@code netpolc generate --tiers}'s Admin and Baseline policies
 * ({@code RealisticTiers}), so the maps are flattened and keyed by peer classes.
 *
 * <pre>java -cp bench/target/netpolc-bench.jar dev.netpolc.bench.EbpfEventBench [--preset antrea-large]
 *     [--scale 1.0] [--events 20] [--cluster-wide] [--tiers] [--json]</pre>
 *
 * Counts, not times: every event recompiles the maps from the session's graph, so a run at
 * 100,000 pods takes seconds per event.
 */
public final class EbpfEventBench {
  private EbpfEventBench() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws BackendException {
    Preset preset = Preset.ANTREA_LARGE;
    double scale = 1.0;
    int events = 20;
    boolean clusterWide = false;
    boolean json = false;
    boolean tiers = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--preset" -> preset = Preset.byName(args[++i])
            .orElseThrow(() -> new IllegalArgumentException("unknown preset; known: " + Preset.names()));
        case "--scale" -> scale = Double.parseDouble(args[++i]);
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--cluster-wide" -> clusterWide = true;
        case "--json" -> json = true;
        case "--tiers" -> tiers = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Cluster c = ClusterGenerator.generate(preset.spec(42, scale));
    if (tiers) {
      c = RealisticTiers.addTo(c);
    }
    CompileOptions options = clusterWide ? CompileOptions.DEFAULTS
        : CompileOptions.DEFAULTS.withNode(ClusterGenerator.FOCUS_NODE);
    CompilerSession s = new Compiler().session(c, options);
    Run run = new Run(s);
    Random r = new Random(11);
    List<Pod> pods = new ArrayList<>(c.pods());
    List<Namespace> namespaces = new ArrayList<>(c.namespaces());
    List<NetworkPolicy> policies = new ArrayList<>(c.policies());
    Set<IpAddress> used = new HashSet<>();
    pods.forEach(p -> used.addAll(p.ips()));
    for (int i = 0; i < events; i++) {
      Pod p = pods.get(r.nextInt(pods.size()));
      Pod added = new Pod(p.namespace(), p.name() + "-bench-" + i, p.labels(), List.of(freeAddress(p, used, r)),
          p.nodeName(), p.hostNetwork(), p.phase(), p.ports(), p.initPorts(), p.position());
      run.event("add-pod", "add-pod-new-group", new ClusterChange.PodUpserted(added));
      run.event("remove-pod", "remove-pod-last-of-group",
          new ClusterChange.PodRemoved(added.namespace(), added.name()));
      if (namespaces.size() > 1) {
        Namespace ns = namespaces.get(r.nextInt(namespaces.size()));
        Namespace other = namespaces.get(r.nextInt(namespaces.size()));
        Map<String, String> labels = new TreeMap<>(other.labels());
        labels.remove(Namespace.NAME_LABEL);
        run.event("ns-label", "ns-label", new ClusterChange.NamespaceUpserted(
            new Namespace(ns.name(), labels, ns.position())));
        run.event("ns-label", "ns-label", new ClusterChange.NamespaceUpserted(ns));
      }
      if (!policies.isEmpty()) {
        NetworkPolicy np = policies.get(r.nextInt(policies.size()));
        run.event("remove-policy", "remove-policy", new ClusterChange.PolicyRemoved(np.namespace(), np.name()));
        run.event("add-policy", "add-policy", new ClusterChange.PolicyUpserted(np));
      }
    }
    String label = (scale == 1.0 ? preset.cliName() : preset.cliName() + "@" + scale)
        + (tiers ? " with tiers" : "") + (clusterWide ? " cluster-wide" : " node " + ClusterGenerator.FOCUS_NODE);
    for (Map.Entry<String, List<Integer>> e : run.touched.entrySet()) {
      int[] v = e.getValue().stream().mapToInt(Integer::intValue).sorted().toArray();
      int median = v[v.length / 2];
      int p99 = v[Math.min(v.length - 1, (int) Math.ceil(v.length * 0.99) - 1)];
      int max = v[v.length - 1];
      if (json) {
        System.out.printf(Locale.ROOT, "{\"preset\":\"%s\",\"event\":\"%s\",\"pods\":%d,\"samples\":%d,"
            + "\"median\":%d,\"p99\":%d,\"max\":%d}%n", label, e.getKey(), c.pods().size(), v.length, median, p99, max);
      } else {
        System.out.printf(Locale.ROOT, "%s: %s, %d samples: entries touched median %d, p99 %d, max %d%n", label,
            e.getKey(), v.length, median, p99, max);
      }
    }
  }

  /** An IPv4 address in 10.0.0.0/8 (the generators' pod range) that no pod has, or the pod's family in v6. */
  private static IpAddress freeAddress(Pod like, Set<IpAddress> used, Random r) {
    boolean v6 = !like.ips().isEmpty() && like.ips().get(0).v6();
    while (true) {
      IpAddress a = v6 ? IpAddress.v6(0xfd00_0000_0000_0000L, 0x0b00_0000_0000_0000L | (r.nextInt() & 0xffffffffL))
          : IpAddress.v4(0x0a00_0000L | r.nextInt(1 << 24));
      if (used.add(a)) {
        return a;
      }
    }
  }

  /** The session, the maps installed, and the entries touched per event kind. */
  private static final class Run {
    private final CompilerSession session;
    private final EbpfBackend ebpf = new EbpfBackend();
    private final Map<String, List<Integer>> touched = new TreeMap<>();
    private EbpfMaps installed;
    private Set<String> groups;

    Run(CompilerSession session) throws BackendException {
      this.session = session;
      this.installed = ebpf.maps(session.graph(), BackendOptions.DEFAULTS);
      this.groups = groupIds(session.graph());
    }

    /** Applies {@code change}; counts it as {@code kind}, or {@code groupKind} when the groups changed. */
    void event(String kind, String groupKind, ClusterChange change) throws BackendException {
      RuleGraph next = session.apply(List.of(change)).next();
      EbpfMaps maps = ebpf.maps(next, BackendOptions.DEFAULTS);
      List<MapCommand> commands = MapsDiff.between(installed, maps);
      Set<String> nextGroups = groupIds(next);
      String counted = nextGroups.equals(groups) ? kind : groupKind;
      touched.computeIfAbsent(counted, k -> new ArrayList<>()).add(commands.size());
      System.err.println(counted + " " + commands.size()); // progress: a run at 100,000 pods is long
      installed = maps;
      groups = nextGroups;
    }

    private static Set<String> groupIds(RuleGraph g) {
      Set<String> ids = new TreeSet<>();
      for (EndpointGroup e : g.groups()) {
        ids.add(e.id());
      }
      return ids;
    }
  }
}
