package dev.netpolc.agent;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.Preset;
import dev.netpolc.model.yaml.PolicyWriter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Event-to-enforced latency of {@code netpolc agent} at scale, against fabric8's mock API server
 * in CRUD mode (issue 16). Fills the server with the {@link Preset#NODE_AGENT} cluster (100,000
 * pods on 910 nodes, 110 of them on the agent's node, 1,000 namespaces, 10,000 realistic
 * NetworkPolicies; the tier policies are left out: the mock server does not serve their kinds),
 * starts the agent for {@link ClusterGenerator#FOCUS_NODE} with an applier that records when it is
 * called (no kernel: what is measured is the agent, not {@code nft}), and reports:
 * <ul>
 *   <li>start-up: informer sync and the first full compile, to the first apply; the heap the
 *       agent holds after it (the heap after a GC, minus the same before the agent started);</li>
 *   <li>single events, one at a time: a pod added, relabelled or deleted (on any node, a fifth of
 *       them on the agent's), a policy's port edited; the time from the API write to the
 *       applier's call with the delta that contains it (median, p90, p99, max);</li>
 *   <li>bursts: N pods created at once (stored with their watch events as fast as one thread
 *       can, as an API server would take them from many writers); the applies it took, the time
 *       from the first write to all of them enforced, the peak heap, and whether the end state
 *       equals a fresh full compile.</li>
 * </ul>
 * A main run by {@code bench/run --agent}, not a test: its figures depend on the machine.
 *
 * <p>With {@code --nft} (root) the agent's rules go into the kernel: {@code nft -f} in a network
 * namespace the bench creates and deletes.
 *
 * <pre>bench/run --agent [--scale 1.0] [--events 200] [--bursts 1000,10000|none] [--nft]</pre>
 */
public final class AgentLatencyBench {
  private AgentLatencyBench() {}

  /**
   * An applier that counts its calls and notes when the last one came; with a delegate (the real
   * {@code nft} in a network namespace, {@code --nft}) after the delegate applied the rules.
   */
  static final class TimingApplier implements RuleApplier {
    private final RuleApplier delegate;
    private long calls;
    private long lastCall;

    TimingApplier(RuleApplier delegate) {
      this.delegate = delegate;
    }

    @Override
    public void replace(Artifact full) throws ApplyException {
      if (delegate != null) {
        delegate.replace(full);
      }
      called();
    }

    @Override
    public void update(Artifact installed, Delta delta) throws ApplyException {
      if (delegate != null) {
        delegate.update(installed, delta);
      }
      called();
    }

    private synchronized void called() {
      calls++;
      lastCall = System.nanoTime();
      notifyAll();
    }

    @Override
    public void cleanup() {}

    synchronized long calls() {
      return calls;
    }

    synchronized long lastCall() {
      return lastCall;
    }
  }

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    // The mock server logs every request through java.util.logging: noise, and time.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
    java.util.Arrays.stream(java.util.logging.Logger.getLogger("").getHandlers())
        .forEach(h -> h.setLevel(java.util.logging.Level.SEVERE));
    double scale = 1.0;
    int events = 200;
    int[] bursts = {1_000, 10_000};
    boolean nft = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scale" -> scale = Double.parseDouble(args[++i]);
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--bursts" -> {
          String b = args[++i];
          bursts = b.equals("none") ? new int[0] : Arrays.stream(b.split(",")).mapToInt(Integer::parseInt).toArray();
        }
        case "--nft" -> nft = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: [--scale X] [--events N] [--bursts N,N|none] [--nft]");
      }
    }
    Cluster c = ClusterGenerator.generate(Preset.NODE_AGENT.spec(42, scale));
    String node = ClusterGenerator.FOCUS_NODE;
    System.out.printf(Locale.ROOT, "cluster: %d namespaces, %d pods (%d on %s), %d nodes, %d NetworkPolicies"
        + " (%d cluster-tier policies left out)%n", c.namespaces().size(), c.pods().size(),
        c.pods().stream().filter(p -> node.equals(p.nodeName())).count(), node, c.nodes().size(),
        c.policies().size(), c.clusterNetworkPolicies().size() + c.adminNetworkPolicies().size()
            + c.baselineAdminNetworkPolicies().size());
    System.out.printf(Locale.ROOT, "machine: %d cores, load average %.1f, max heap %d MB%n",
        Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().maxMemory() >> 20);

    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init();
    NamespacedKubernetesClient client = server.createClient();
    // --nft: the agent's rules go into a real kernel, through nft in a network namespace of its own.
    String netns = nft ? "netpolc-agent-bench-" + ProcessHandle.current().pid() : null;
    if (nft) {
      command("ip", "netns", "add", netns);
    }
    try {
      long t0 = System.nanoTime();
      List<String> docs = new ArrayList<>();
      c.namespaces().forEach(n -> docs.add(PolicyWriter.toYaml(n)));
      c.nodes().forEach(n -> docs.add(PolicyWriter.toYaml(n)));
      c.policies().forEach(p -> docs.add(PolicyWriter.toYaml(p)));
      c.pods().forEach(p -> docs.add(PolicyWriter.toYaml(p)));
      preload(dispatcher, docs);
      System.out.printf(Locale.ROOT, "fill: %d objects stored in %.1f s%n", docs.size(), seconds(t0));

      long heapBefore = heapAfterGc();
      TimingApplier applier = new TimingApplier(nft
          ? new NftablesApplier(List.of("ip", "netns", "exec", netns, "nft"), BackendOptions.DEFAULTS.tableName()) : null);
      System.out.println("applier: " + (nft ? "nft -f in network namespace " + netns : "none (no kernel)"));
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      Agent agent = new Agent(client, new Agent.Settings(node, new NftablesBackend(), BackendOptions.DEFAULTS, false,
          false, Duration.ofSeconds(600)), applier, new AgentMetrics(),
          new PrintStream(log, true, StandardCharsets.UTF_8));
      long s0 = System.nanoTime();
      agent.start();
      double synced = seconds(s0);
      awaitCalls(applier, 1, Duration.ofMinutes(10));
      while (agent.snapshot().batches() < 1) {
        Thread.sleep(1);
      }
      double firstApply = (applier.lastCall() - s0) / 1e9;
      int firstPods = agent.snapshot().cluster().pods().size();
      long deadline0 = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (agent.snapshot().cluster().pods().size() != c.pods().size()
          || agent.snapshot().cluster().policies().size() != c.policies().size()) {
        if (System.nanoTime() > deadline0) {
          throw new IllegalStateException("the agent did not converge on the cluster; log:\n" + log);
        }
        Thread.sleep(1);
      }
      awaitLogged(log, 0, applier.calls());
      int logMark = log.size();
      System.out.printf(Locale.ROOT, "start-up: informers synced in %.1f s, first full apply at %.1f s (%d pods),"
          + " everything applied at %.1f s in %d applies; agent heap %d MB%n", synced, firstApply, firstPods,
          (applier.lastCall() - s0) / 1e9, applier.calls(), (heapAfterGc() - heapBefore) >> 20);

      Random rnd = new Random(7);
      List<Pod> pods = new ArrayList<>(c.pods());
      // Policies with a numeric port and no endPort: a new port number is always a valid edit.
      List<NetworkPolicy> policies = c.policies().stream().filter(p -> {
        String y = PolicyWriter.toYaml(p);
        return java.util.regex.Pattern.compile("port: \\d+").matcher(y).find() && !y.contains("endPort");
      }).toList();
      String[] kinds = {"pod add", "pod relabel", "pod delete", "policy add or edit"};
      long[][] byKind = new long[kinds.length][events];
      int[] counts = new int[kinds.length];
      long[] all = new long[events];
      long[] writes = new long[events];
      int added = 0;
      // Pods and policies the bench wrote through the API: the ones it relabels and edits (an
      // update of a preloaded object trips the mock server, whose create strips a pod's status).
      List<Pod> written = new ArrayList<>();
      List<String> writtenPolicies = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        int kind = i % kinds.length;
        String yaml;
        boolean delete = false;
        if (kind == 0 || (kind == 1 && written.isEmpty())) {
          kind = 0;
          Pod like = pods.get(rnd.nextInt(pods.size()));
          String onNode = i % 5 == 0 ? node : like.nodeName();
          yaml = podYaml(like, "bench-" + added, onNode, 1 + added);
          written.add(readPod(yaml));
          added++;
        } else if (kind == 1) {
          int at = rnd.nextInt(written.size());
          Pod p = written.get(at);
          Pod other = pods.get(rnd.nextInt(pods.size()));
          while (other.labels().equals(p.labels())) {
            other = pods.get(rnd.nextInt(pods.size()));
          }
          Pod moved = new Pod(p.namespace(), p.name(), other.labels(), p.ips(), p.nodeName(), p.hostNetwork(),
              p.phase(), p.ports(), p.initPorts(), p.position(), p.serviceAccountName());
          written.set(at, moved);
          yaml = PolicyWriter.toYaml(moved);
        } else if (kind == 2) {
          Pod p = pods.remove(rnd.nextInt(pods.size()));
          yaml = PolicyWriter.toYaml(p);
          delete = true;
        } else if (writtenPolicies.isEmpty() || i % 8 == 3) {
          // A new policy, a copy of an existing one on another port.
          yaml = PolicyWriter.toYaml(policies.get(rnd.nextInt(policies.size())))
              .replaceFirst("name: (\\S+)", "name: bench-" + i).replaceFirst("port: (\\d+)", "port: " + (20_000 + i));
          writtenPolicies.add(yaml);
        } else {
          int at = rnd.nextInt(writtenPolicies.size());
          yaml = writtenPolicies.get(at).replaceFirst("port: (\\d+)", "port: " + (20_000 + i));
          writtenPolicies.set(at, yaml);
        }
        HasMetadata o = client.resource(yaml).item();
        long before = applier.calls();
        long w0 = System.nanoTime();
        if (delete) {
          client.resource(o).delete();
        } else {
          client.resource(o).createOr(r -> r.update());
        }
        writes[i] = System.nanoTime() - w0;
        long t;
        try {
          t = awaitCalls(applier, before + 1, Duration.ofMinutes(2)) - w0;
        } catch (IllegalStateException e) {
          throw new IllegalStateException("event " + i + " (" + kinds[kind] + ") not applied:\n" + yaml + "\nlog:\n"
              + log.toString(StandardCharsets.UTF_8).lines().skip(Math.max(0, log.toString(StandardCharsets.UTF_8)
              .lines().count() - 5)).collect(java.util.stream.Collectors.joining("\n")), e);
        }
        all[i] = t;
        byKind[kind][counts[kind]++] = t;
      }
      System.out.printf(Locale.ROOT, "single events (%d, one at a time): %s%n", events, percentiles(all));
      System.out.printf(Locale.ROOT, "  of which the API write itself (mock server): %s%n", percentiles(writes));
      long[] afterWrite = new long[events];
      for (int i = 0; i < events; i++) {
        afterWrite[i] = all[i] - writes[i];
      }
      System.out.printf(Locale.ROOT, "  from the write's return to enforced (watch delivery + agent): %s%n",
          percentiles(afterWrite));
      for (int k = 0; k < kinds.length; k++) {
        System.out.printf(Locale.ROOT, "  %-12s %s%n", kinds[k], percentiles(Arrays.copyOf(byKind[k], counts[k])));
      }
      awaitLogged(log, logMark, events);
      String singleLog = log.toString(StandardCharsets.UTF_8).substring(logMark);
      System.out.println("  the agent's batches during the single events, by phase:");
      summarizeLog(singleLog);
      logMark = log.size();

      int burstNo = 0;
      for (int n : bursts) {
        List<String> burst = new ArrayList<>();
        for (int j = 0; j < n; j++) {
          Pod like = pods.get(rnd.nextInt(pods.size()));
          burst.add(podYaml(like, "burst-" + burstNo + "-" + j, like.nodeName(), 100_000 * (burstNo + 1) + j));
        }
        burstNo++;
        int want = agent.snapshot().cluster().pods().size() + n;
        long applies0 = applier.calls();
        List<java.lang.management.MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(mp -> mp.getType() == java.lang.management.MemoryType.HEAP).toList();
        heapPools.forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage);
        long b0 = System.nanoTime();
        // Written into the server's store as its create does, with the watch events it sends, but
        // without its scan of every stored object (O(objects) per create here, not on an API server).
        store(dispatcher, burst, n * burstNo);
        double writeSeconds = seconds(b0);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (agent.snapshot().cluster().pods().size() < want) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the burst was not applied in 10 minutes");
          }
          Thread.sleep(1);
        }
        long peak = heapPools.stream().mapToLong(mp -> mp.getPeakUsage().getUsed()).sum();
        awaitLogged(log, logMark, applier.calls() - applies0);
        String burstLog = log.toString(StandardCharsets.UTF_8).substring(logMark);
        logMark = log.size();
        System.out.printf(Locale.ROOT, "burst of %d pod creations: written in %.2f s, all enforced %.2f s after the"
            + " first write, in %d applies (%s); peak heap during the burst %d MB (sum of the heap pools' peaks)%n",
            n, writeSeconds, (applier.lastCall() - b0) / 1e9, applier.calls() - applies0, batchSizes(burstLog),
            peak >> 20);
        summarizeLog(burstLog);
        System.out.println("  " + compareWithFullCompile(agent, node));
      }
      System.out.printf(Locale.ROOT, "agent: %d applies, %d events, %d failures%n", agent.snapshot().batches(),
          agent.snapshot().events(), agent.snapshot().failures());
      agent.close();
    } finally {
      client.close();
      server.destroy();
      if (nft) {
        command("ip", "netns", "del", netns);
      }
    }
  }

  /**
   * Waits until the agent logged {@code applies} applied lines after {@code mark} (it logs each
   * apply just after the snapshot the bench polls).
   */
  private static void awaitLogged(ByteArrayOutputStream log, int mark, long applies) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (log.toString(StandardCharsets.UTF_8).substring(mark).split("msg=applied ", -1).length - 1 < applies
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  /** Runs a command; fails when it does. */
  private static void command(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue());
    }
  }

  /**
   * Stores {@code docs} (pods) one by one as the server's create does (resource version, uid,
   * attributes) and sends their watch events, without the create's conflict scan.
   */
  private static void store(KubernetesCrudDispatcher dispatcher, List<String> docs, int uidBase) {
    var serialization = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    int n = 0;
    for (String d : docs) {
      HasMetadata o = serialization.unmarshal(d);
      o.getMetadata().setResourceVersion(Long.toString(dispatcher.requestResourceVersion()));
      o.getMetadata().setUid(java.util.UUID.nameUUIDFromBytes(("burst-" + uidBase + "-" + n++)
          .getBytes(StandardCharsets.UTF_8)).toString());
      o.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
      String json = serialization.asJson(o);
      String path = "/api/v1/namespaces/" + o.getMetadata().getNamespace() + "/pods";
      AttributeSet key = dispatcher.getKey(path).add(new Attribute("name", o.getMetadata().getName()));
      dispatcher.processEvent(path, key, null, null, json);
    }
  }

  /** The events per apply in {@code log}'s applied lines, e.g. {@code 1 + 412 + 587}. */
  private static String batchSizes(String log) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("msg=applied mode=(\\w+) events=(\\d+)").matcher(log);
    List<String> sizes = new ArrayList<>();
    while (m.find()) {
      sizes.add(m.group(2) + (m.group(1).equals("full") ? " full" : ""));
    }
    java.util.regex.Matcher r = java.util.regex.Pattern.compile(" recompiled=(\"[^\"]*\"|\\S+)").matcher(log);
    int recompiled = 0;
    while (r.find()) {
      recompiled++;
    }
    return "events per apply " + String.join(" + ", sizes) + "; " + recompiled + " of them recompiled by the session";
  }

  /**
   * Compares what the agent installed (the rulesets it patched, with its deltas) with the ruleset
   * of a fresh compile of its cluster: the same sets with the same elements and the same chains.
   */
  private static String compareWithFullCompile(Agent agent, String node) throws Exception {
    Agent.Snapshot snap = agent.snapshot();
    NftablesBackend nft = new NftablesBackend();
    dev.netpolc.compiler.ir.RuleGraph graph = new dev.netpolc.compiler.Compiler().compile(snap.cluster(),
        dev.netpolc.compiler.CompileOptions.DEFAULTS.withNode(node)).graph();
    Artifact fresh = nft.emit(graph, BackendOptions.DEFAULTS);
    java.util.SortedMap<String, String> a = state(NftablesBackend.parse(snap.installed()));
    java.util.SortedMap<String, String> b = state(NftablesBackend.parse(fresh));
    long differ = java.util.stream.Stream.concat(a.keySet().stream(), b.keySet().stream()).distinct()
        .filter(k -> !java.util.Objects.equals(a.get(k), b.get(k))).count();
    if (differ == 0) {
      return "end state: equal to a fresh full compile of the agent's cluster (" + b.size() + " sets, maps and chains)";
    }
    // The session re-runs the passes that compare set contents (merging, sharing) only when it
    // recompiles, so the form may differ; what must not differ is any decision.
    dev.netpolc.backend.SimulationContext ctx = dev.netpolc.backend.SimulationContext.of(graph);
    dev.netpolc.compiler.ConnectionDecider mine = nft.simulator(snap.installed(), ctx);
    dev.netpolc.compiler.ConnectionDecider theirs = nft.simulator(fresh, ctx);
    List<Pod> local = snap.cluster().pods().stream().filter(p -> node.equals(p.nodeName()) && !p.ips().isEmpty())
        .toList();
    List<Pod> all = snap.cluster().pods();
    Random r = new Random(11);
    List<Pod> peers = new ArrayList<>(all.stream().filter(p -> p.name().startsWith("burst-")).limit(200).toList());
    for (int i = 0; i < 200; i++) {
      peers.add(all.get(r.nextInt(all.size())));
    }
    long checked = 0;
    long disagree = 0;
    for (Pod l : local) {
      java.util.Set<Integer> ports = new java.util.TreeSet<>(List.of(53, 80, 443, 8080));
      l.ports().forEach(cp -> ports.add(cp.containerPort()));
      for (Pod p : peers) {
        for (IpAddress li : l.ips()) {
          for (IpAddress pi : p.ips()) {
            if (li.v6() != pi.v6()) {
              continue;
            }
            for (int port : ports) {
              for (dev.netpolc.compiler.Connection c : List.of(
                  dev.netpolc.compiler.Connection.of(pi, li, dev.netpolc.model.Protocol.TCP, port),
                  dev.netpolc.compiler.Connection.of(li, pi, dev.netpolc.model.Protocol.TCP, port))) {
                checked++;
                if (mine.allows(c) != theirs.allows(c)) {
                  disagree++;
                }
              }
            }
          }
        }
      }
    }
    return "end state: " + differ + " of " + b.size() + " sets, maps and chains differ in form from a fresh full"
        + " compile (the session merges and shares sets anew only when it recompiles); decisions: " + disagree
        + " of " + checked + " sampled connections differ (node's pods with 200 burst and 200 random pods, TCP"
        + " on their ports and 53, 80, 443, 8080, both ways)";
  }

  private static String abbreviate(String s) {
    return s == null ? "(none)" : s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  /** A parsed ruleset as comparable text: each set or map with its sorted elements, each chain with its rules. */
  private static java.util.SortedMap<String, String> state(dev.netpolc.backend.nftables.sim.Ruleset rs) {
    java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
    for (var t : rs.tables()) {
      for (var set : t.sets()) {
        List<String> elems = new ArrayList<>();
        set.elements().forEach(e -> elems.add(e.key() + " " + e.verdict()));
        elems.sort(null);
        out.put("set " + set.name(), set.keyTypes() + " " + set.interval() + " " + elems);
      }
      for (var ch : t.chains()) {
        List<String> rules = new ArrayList<>();
        ch.rules().forEach(r -> rules.add(r.statements().toString().replaceAll("position=[^,\\])]*", "") + " " + r.comment()));
        out.put("chain " + ch.name(), rules.toString());
      }
    }
    return out;
  }

  /**
   * Stores {@code docs} in the mock server's CRUD map directly, as a create would (a resource
   * version, a uid, the same attributes): a create through the API scans every stored object for a
   * conflict, so 100,000 of them take hours; the agent then lists them as usual.
   */
  private static void preload(KubernetesCrudDispatcher dispatcher, List<String> docs) {
    var serialization = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    int n = 0;
    for (String d : docs) {
      HasMetadata o = serialization.unmarshal(d);
      o.getMetadata().setResourceVersion(Long.toString(dispatcher.requestResourceVersion()));
      o.getMetadata().setUid(java.util.UUID.nameUUIDFromBytes(("bench-" + n++).getBytes(StandardCharsets.UTF_8))
          .toString());
      o.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
      String json = serialization.asJson(o);
      String ns = o.getMetadata().getNamespace();
      String path = switch (o.getKind()) {
        case "Namespace" -> "/api/v1/namespaces";
        case "Node" -> "/api/v1/nodes";
        case "Pod" -> "/api/v1/namespaces/" + ns + "/pods";
        case "NetworkPolicy" -> "/apis/networking.k8s.io/v1/namespaces/" + ns + "/networkpolicies";
        default -> throw new IllegalArgumentException("unexpected kind " + o.getKind());
      };
      // The attributes a POST to the collection stores: the path's, the name, and the resource's.
      AttributeSet key = dispatcher.getKey(path).add(new Attribute("name", o.getMetadata().getName()));
      dispatcher.getMap().put(AttributeSet.merge(key, dispatcher.getAttributeExtractor().fromResource(json)), json);
    }
  }

  /** Waits until the applier was called {@code calls} times; returns the time of that call. */
  private static long awaitCalls(TimingApplier a, long calls, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (a) {
      while (a.calls() < calls) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no apply within " + timeout);
        }
        a.wait(Math.max(1, left / 1_000_000));
      }
      return a.lastCall();
    }
  }

  /** Reads one pod back from its YAML. */
  private static Pod readPod(String yaml) {
    return new dev.netpolc.model.yaml.PolicyReader().readString("bench", yaml).cluster().pods().get(0);
  }

  /** A new pod with {@code like}'s namespace and labels on {@code node}, address number {@code n}. */
  private static String podYaml(Pod like, String name, String node, int n) {
    // Addresses from 100.64.0.0/10, outside the generator's plan: every added pod is new to the sets.
    IpAddress ip = IpAddress.parse("100." + (64 + (n >> 16 & 63)) + "." + (n >> 8 & 255) + "." + (n & 255));
    return PolicyWriter.toYaml(new Pod(like.namespace(), name, like.labels(), List.of(ip), node, false, "Running",
        like.ports(), like.initPorts(), SourcePosition.UNKNOWN, like.serviceAccountName()));
  }

  private static String percentiles(long[] nanos) {
    if (nanos.length == 0) {
      return "none";
    }
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)",
        at(s, 0.5), at(s, 0.9), at(s, 0.99), s[s.length - 1] / 1e6, s.length);
  }

  private static double at(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  /** The agent's own split of each apply (its logfmt lines): each phase's time by mode. */
  private static void summarizeLog(String log) {
    java.util.regex.Pattern mode = java.util.regex.Pattern.compile("msg=applied mode=(\\w+) ");
    String[] phases = {"wait", "view", "session", "delta", "render", "apply", "stats", "event_to_applied"};
    java.util.Map<String, java.util.Map<String, List<Long>>> byMode = new java.util.TreeMap<>();
    for (String line : log.split("\n")) {
      java.util.regex.Matcher m = mode.matcher(line);
      if (!m.find()) {
        continue;
      }
      java.util.Map<String, List<Long>> ph = byMode.computeIfAbsent(m.group(1), k -> new java.util.LinkedHashMap<>());
      for (String phase : phases) {
        java.util.regex.Matcher v = java.util.regex.Pattern.compile(" " + phase + "_ms=([\\d.]+)").matcher(line);
        if (v.find()) {
          ph.computeIfAbsent(phase, k -> new ArrayList<>()).add((long) (Double.parseDouble(v.group(1)) * 1e6));
        }
      }
    }
    java.util.Map<String, Integer> reasons = new java.util.TreeMap<>();
    java.util.regex.Matcher r = java.util.regex.Pattern.compile(" recompiled=(\"[^\"]*\"|\\S+)").matcher(log);
    while (r.find()) {
      reasons.merge(r.group(1).replaceAll("[\\w.-]+/[\\w.-]+|\\d+\\.\\d+\\.\\d+\\.\\d+", "X"), 1, Integer::sum);
    }
    reasons.forEach((why, n) -> System.out.printf(Locale.ROOT, "  session recompiled %d times: %s%n", n, why));
    byMode.forEach((md, ph) -> ph.forEach((phase, l) -> System.out.printf(Locale.ROOT,
        "  agent %-16s %s applies: %s%n", phase, md, percentiles(l.stream().mapToLong(Long::longValue).toArray()))));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
