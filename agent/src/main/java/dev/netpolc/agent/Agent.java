package dev.netpolc.agent;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.model.Cluster;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The node agent: informers on the watched kinds feed a queue; one applier thread drains it, so
 * events that arrive while an apply runs form the next batch. Each batch updates the
 * {@link ClusterView}, then the node's {@link CompilerSession}, and the backend's delta goes into
 * the kernel through a {@link RuleApplier}. The first apply after the informers synced, any
 * batch the session cannot take (a node changed, a namespace deleted) and the retry after a
 * failed apply are full replacements. Closing stops the watches and leaves the rules in place
 * (fail closed) unless {@link Settings#cleanupOnExit()}.
 *
 * <p>The watched kinds are {@link WatchedKind#ALL}: Namespaces, Pods, Nodes and NetworkPolicies;
 * the sig-network ClusterNetworkPolicies (v1alpha2), AdminNetworkPolicies and
 * BaselineAdminNetworkPolicies (v1alpha1); Calico's (projectcalico.org/v3) NetworkPolicies,
 * GlobalNetworkPolicies, StagedNetworkPolicies, StagedGlobalNetworkPolicies,
 * StagedKubernetesNetworkPolicies, Tiers, NetworkSets and GlobalNetworkSets; and Cilium's
 * (cilium.io/v2) CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies; and, when the
 * cluster serves a Calico or Cilium kind, the ServiceAccounts, Services and EndpointSlices their
 * rules refer to. Every kind but the first four is optional: one the cluster does not serve is
 * skipped with one log line and the {@code netpolc_agent_kinds{state="skipped"}} gauge.
 */
public final class Agent implements AutoCloseable {

  /**
   * What the agent enforces and how.
   *
   * @param node           the node whose pods it enforces for
   * @param backend        the backend rendering the rules
   * @param backendOptions the backend's options (table name, counters, ...)
   * @param cleanupOnExit  remove the rules on {@link #close()}
   * @param reportEvents   post a Kubernetes Event on each rejected object
   * @param syncTimeout    how long to wait for the informers' first list
   */
  public record Settings(String node, Backend backend, BackendOptions backendOptions, boolean cleanupOnExit,
      boolean reportEvents, Duration syncTimeout) {
    public Settings {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(backend, "backend");
      Objects.requireNonNull(backendOptions, "backendOptions");
      Objects.requireNonNull(syncTimeout, "syncTimeout");
      if (node.isEmpty()) {
        throw new IllegalArgumentException("the node name is empty");
      }
    }
  }

  private static final long MAX_BACKOFF_MS = 30_000;
  /** How often an idle applier thread checks that every watch is up. */
  private static final long WATCH_CHECK_MS = 200;

  private final KubernetesClient client;
  private final Settings settings;
  private final RuleApplier applier;
  private final AgentMetrics metrics;
  private final PrintStream log;
  private final LinkedBlockingQueue<WatchEvent> queue = new LinkedBlockingQueue<>();
  private final ClusterView view = new ClusterView(new ModelConverter());
  private final Compiler compiler = new Compiler();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final List<WatchedKind> started = new ArrayList<>();
  private final List<WatchedKind> skipped = new ArrayList<>();
  private volatile PolicyDropCounters drops;
  private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
  private Thread thread;
  private volatile boolean running;
  private volatile boolean ready;
  private volatile Snapshot last = new Snapshot(0, 0, 0, null, Cluster.EMPTY, false);

  // Owned by the applier thread.
  private CompilerSession session;
  private Artifact installed;
  private boolean needFull = true;
  private int failures;
  // Watch outages (applier thread): see throughOutage.
  private boolean watchesSeenUp;
  private boolean outage;
  private final List<WatchEvent> held = new ArrayList<>();
  private volatile StartupCheck lastStartupCheck;

  /**
   * What the agent last applied.
   *
   * @param batches   applies so far (full and incremental)
   * @param events    events consumed by those applies
   * @param failures  failed applies and compiles so far
   * @param installed the artifact the kernel holds, null before the first apply
   * @param cluster   the cluster it enforces
   * @param full      true when the last apply was a full replacement
   */
  public record Snapshot(long batches, long events, long failures, Artifact installed, Cluster cluster,
      boolean full) {}

  /** An agent on {@code client}; nothing runs until {@link #start()}. */
  public Agent(KubernetesClient client, Settings settings, RuleApplier applier, AgentMetrics metrics, PrintStream log) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.applier = Objects.requireNonNull(applier, "applier");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * Starts the informers, waits until each listed its kind, and starts the applier thread, whose
   * first apply is a full replacement.
   *
   * @throws AgentException when an informer cannot sync within the timeout
   */
  public synchronized void start() throws AgentException {
    if (running) {
      throw new IllegalStateException("already started");
    }
    running = true;
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    for (WatchedKind k : WatchedKind.ALL) {
      if (WatchedKind.REFERENCED.contains(k)
          && started.stream().noneMatch(s -> s.calico() || s.cilium())) {
        skipped.add(k);
        metrics.kinds.labelValues(k.label(), "unneeded").set(1);
        logLine("info", "kind not needed, skipped", fields("kind", k.label(), "apiVersion", k.apiVersion(),
            "why", "the cluster serves no Calico or Cilium policy kind"));
        continue;
      }
      String unserved = k.optional() ? unserved(k) : null;
      if (unserved != null) {
        skipped.add(k);
        metrics.kinds.labelValues(k.label(), "skipped").set(1);
        logLine("info", "kind not served, skipped", fields("kind", k.label(), "apiVersion", k.apiVersion(),
            "answer", unserved));
        continue;
      }
      metrics.kinds.labelValues(k.label(), "watched").set(1);
      SharedIndexInformer<? extends HasMetadata> inf = informer(k);
      informers.add(inf);
      started.add(k);
      synced.add(inf.start().toCompletableFuture());
    }
    try {
      CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new))
          .get(settings.syncTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close();
      throw new AgentException("the informers did not sync within " + settings.syncTimeout().toSeconds() + " s");
    } catch (ExecutionException e) {
      close();
      throw new AgentException("an informer failed: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new AgentException("interrupted while the informers synced");
    }
    awaitListedEvents();
    logLine("info", "informers synced", fields("kinds", started.stream().map(WatchedKind::label).toList().toString(),
        "queued", Integer.toString(queue.size())));
    thread = new Thread(this::loop, "netpolc-agent-applier");
    thread.start();
  }

  /**
   * Keeps {@code counters} told which policies isolate each group of every ruleset applied
   * ({@code --counters}); call before {@link #start()}.
   */
  public void countDrops(PolicyDropCounters counters) {
    this.drops = Objects.requireNonNull(counters, "counters");
  }

  /**
   * Waits, within the sync timeout, until an event was queued for every object the informers
   * listed: they report synced when their stores are full, but hand the add events over
   * afterwards, and the first full apply must hold the whole cluster, not the part queued so far.
   */
  private void awaitListedEvents() {
    long listed = informers.stream().mapToLong(i -> i.getStore().list().size()).sum();
    long deadline = System.nanoTime() + settings.syncTimeout().toNanos();
    while (received.get() < listed && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The kinds whose informers run, in start order. */
  public synchronized List<WatchedKind> watchedKinds() {
    return List.copyOf(started);
  }

  /** The optional kinds the cluster does not serve. */
  public synchronized List<WatchedKind> skippedKinds() {
    return List.copyOf(skipped);
  }

  /** Events received and not yet taken by the applier thread. */
  public int pendingEvents() {
    return queue.size();
  }

  /** True after the first successful apply. */
  public boolean ready() {
    return ready;
  }

  /** What was last applied. */
  public Snapshot snapshot() {
    return last;
  }

  /** Stops the watches and the applier thread; removes the rules only with {@code cleanupOnExit}. */
  @Override
  public synchronized void close() {
    running = false;
    informers.forEach(SharedIndexInformer::stop);
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(70));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
    if (settings.cleanupOnExit()) {
      try {
        applier.cleanup();
        logLine("info", "rules removed on exit", Map.of());
      } catch (RuleApplier.ApplyException e) {
        logLine("error", "cleanup failed", fields("error", e.getMessage()));
      }
    } else if (ready) {
      logLine("info", "stopped; rules left in place", Map.of());
    }
  }

  /**
   * Null when the cluster serves {@code k} (the client finds it in the API discovery and may list
   * it), else the API server's answer: a CRD that is not installed fails the discovery or answers
   * 404; a kind the agent's RBAC does not grant answers 403, which the log line shows.
   */
  private String unserved(WatchedKind k) {
    try {
      generic(client, k).list(new ListOptionsBuilder().withLimit(1L).build());
      return null;
    } catch (KubernetesClientException e) {
      return e.getCode() > 0 ? "HTTP " + e.getCode() : "not in the API discovery";
    }
  }

  /** The generic resource client for {@code k}, across all namespaces when it is namespaced. */
  static FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> generic(KubernetesClient client, WatchedKind k) {
    var all = client.genericKubernetesResources(k.apiVersion(), k.kind());
    // A client bound to a namespace (the agent's own, in a pod) would otherwise watch that one only.
    return k.namespaced() ? all.inAnyNamespace() : all;
  }

  private SharedIndexInformer<? extends HasMetadata> informer(WatchedKind k) {
    SharedIndexInformer<? extends HasMetadata> inf;
    if (k == WatchedKind.NAMESPACES) {
      inf = client.namespaces().runnableInformer(0);
    } else if (k == WatchedKind.PODS) {
      inf = client.pods().inAnyNamespace().runnableInformer(0);
    } else if (k == WatchedKind.NODES) {
      inf = client.nodes().runnableInformer(0);
    } else if (k == WatchedKind.NETWORK_POLICIES) {
      inf = client.network().v1().networkPolicies().inAnyNamespace().runnableInformer(0);
    } else if (k == WatchedKind.SERVICE_ACCOUNTS) {
      inf = client.serviceAccounts().inAnyNamespace().runnableInformer(0);
    } else if (k == WatchedKind.SERVICES) {
      inf = client.services().inAnyNamespace().runnableInformer(0);
    } else if (k == WatchedKind.ENDPOINT_SLICES) {
      inf = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
    } else {
      inf = generic(client, k).runnableInformer(0);
    }
    addHandler(inf, k);
    return inf;
  }

  private <T extends HasMetadata> void addHandler(SharedIndexInformer<T> inf, WatchedKind k) {
    inf.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        enqueue(k, "add", false, obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        enqueue(k, "update", false, newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        enqueue(k, "delete", true, obj);
      }
    });
  }

  private void enqueue(WatchedKind k, String type, boolean deleted, HasMetadata obj) {
    received.incrementAndGet();
    metrics.events.labelValues(k.label(), type).inc();
    queue.add(new WatchEvent(k, deleted, obj, System.nanoTime()));
  }

  private void loop() {
    while (running) {
      List<WatchEvent> batch = new ArrayList<>();
      try {
        if (!needFull) {
          WatchEvent e = queue.poll(WATCH_CHECK_MS, TimeUnit.MILLISECONDS);
          if (e != null) {
            batch.add(e);
          }
        } else if (failures > 0) {
          WatchEvent e = queue.poll(backoffMillis(), TimeUnit.MILLISECONDS);
          if (e != null) {
            batch.add(e);
          }
        }
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch);
      if (running) {
        try {
          batch = throughOutage(batch);
          if (batch == null) {
            continue;
          }
          process(batch);
        } catch (RuntimeException e) {
          // Unexpected (a bug): keep the thread, and the rules, and rebuild from the view next time.
          fail("internal", e.toString(), batch.size());
        }
      }
    }
  }

  /**
   * While any watch is down, batches are held and nothing is applied: the kernel keeps the last
   * rules, and no view that mixes before and after the outage is ever applied. Once every watch
   * is up again, the held events and the agent's own relist of every kind ({@link Resync}: the
   * deletions a resumed watch may never send) go out as one batch. Returns the batch to apply, or
   * null to hold it.
   */
  private List<WatchEvent> throughOutage(List<WatchEvent> batch) {
    boolean up = informers.stream().allMatch(SharedIndexInformer::isWatching);
    if (!watchesSeenUp) {
      // Until every watch first runs, the informers' initial lists are the state: no outage yet.
      watchesSeenUp = up;
      return batch;
    }
    if (!up) {
      if (!outage) {
        outage = true;
        metrics.errors.labelValues("watch").inc();
        logLine("warn", "watch lost; the kernel keeps the last rules until every watch is back and the agent has "
            + "listed again", fields("down", informers.stream().filter(i -> !i.isWatching()).count() + " of "
            + informers.size()));
      }
      held.addAll(batch);
      return null;
    }
    if (!outage) {
      return batch;
    }
    held.addAll(batch);
    List<WatchEvent> relisted;
    try {
      relisted = Resync.relist(client, started, view, held);
    } catch (KubernetesClientException e) {
      logLine("warn", "relist after the watch outage failed; retrying", fields("error", String.valueOf(e.getMessage())));
      return null;
    }
    List<WatchEvent> all = new ArrayList<>(held);
    all.addAll(relisted);
    held.clear();
    outage = false;
    logLine("info", "watches back; applying the held events and a relist as one batch",
        fields("held", Integer.toString(all.size() - relisted.size()), "listed", Integer.toString(relisted.size())));
    return all;
  }

  private long backoffMillis() {
    return Math.min(MAX_BACKOFF_MS, 500L << Math.min(failures - 1, 10));
  }

  /** One batch: view, session, delta, apply. Never throws: a failure makes the next apply full. */
  private void process(List<WatchEvent> batch) {
    long oldest = batch.stream().mapToLong(WatchEvent::received).min().orElse(System.nanoTime());
    long tv = System.nanoTime();
    ClusterView.Changes ch = view.apply(batch);
    long viewNanos = System.nanoTime() - tv;
    for (ClusterView.Rejection r : ch.rejected()) {
      reject(r);
    }
    if (!needFull && ch.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    boolean full = needFull || session == null || ch.newSession();
    Artifact next;
    Delta delta = null;
    String fallback = "";
    long ts;
    long td;
    try {
      if (full) {
        session = compiler.session(view.cluster(), CompileOptions.DEFAULTS.withNode(settings.node()));
        ts = System.nanoTime();
        td = ts;
        next = settings.backend().emit(session.graph(), settings.backendOptions());
      } else {
        GraphUpdate u = session.apply(ch.changes());
        ts = System.nanoTime();
        delta = settings.backend().update(installed, u, settings.backendOptions());
        td = System.nanoTime();
        fallback = u.incremental() ? "" : u.fallbackReason();
        // What the kernel holds after the delta, for the next one: derived from the delta where
        // the backend can (nftables element edits), not a render of the node's whole ruleset.
        next = settings.backend().applied(installed, u, delta, settings.backendOptions());
      }
    } catch (BackendException | RuntimeException e) {
      fail("compile", e.getMessage() == null ? e.toString() : e.getMessage(), batch.size());
      return;
    }
    if (!full && next.equals(installed)) {
      // The change decides nothing the kernel holds (an informer's late copy of an object the
      // relist already brought, a relabel no rule reads): the rules stay, nothing is applied.
      Snapshot prev = last;
      last = new Snapshot(prev.batches() + 1, prev.events() + batch.size(), prev.failures(), installed,
          session.cluster(), false);
      logLine("info", "no rule changes; nothing applied", fields("events", Integer.toString(batch.size()),
          "changes", Integer.toString(ch.changes().size())));
      return;
    }
    long t1 = System.nanoTime();
    if (full && lastStartupCheck == null && applier.readsBack()) {
      // Time spent comparing is not apply time.
      t1 += startupCheck(next);
    }
    try {
      if (full) {
        applier.replace(next);
      } else {
        applier.update(installed, delta, next);
      }
    } catch (RuleApplier.ApplyException e) {
      fail("apply", e.getMessage(), batch.size());
      return;
    }
    long t2 = System.nanoTime();
    installed = next;
    tellDropCounters();
    needFull = false;
    failures = 0;
    ready = true;
    Snapshot prev = last;
    last = new Snapshot(prev.batches() + 1, prev.events() + batch.size(), prev.failures(), next, session.cluster(),
        full);
    metrics.batchSize.observe(batch.size());
    metrics.compileSeconds.observe((t1 - t0) / 1e9);
    metrics.applySeconds.observe((t2 - t1) / 1e9);
    metrics.eventToApplied.observe((t2 - oldest) / 1e9);
    metrics.applies.labelValues(full ? "full" : "incremental").inc();
    Map<String, String> f = new java.util.LinkedHashMap<>();
    f.put("mode", full ? "full" : "incremental");
    f.put("events", Integer.toString(batch.size()));
    f.put("changes", Integer.toString(ch.changes().size()));
    if (!fallback.isEmpty()) {
      f.put("recompiled", fallback);
    }
    f.put("compile_ms", millis(t1 - t0));
    f.put("apply_ms", millis(t2 - t1));
    f.put("event_to_applied_ms", millis(t2 - oldest));
    f.put("wait_ms", millis(tv - oldest));
    f.put("view_ms", millis(viewNanos));
    f.put("session_ms", millis(ts - t0));
    f.put("delta_ms", millis(td - ts));
    f.put("render_ms", millis(t1 - td));
    long tst = System.nanoTime();
    try {
      SortedMap<String, Long> stats = settings.backend().statistics(next);
      if (stats.containsKey("rules")) {
        metrics.rules.set(stats.get("rules"));
        f.put("rules", stats.get("rules").toString());
      }
      if (stats.containsKey("set_elements")) {
        metrics.setElements.set(stats.get("set_elements"));
        f.put("set_elements", stats.get("set_elements").toString());
      }
    } catch (BackendException e) {
      f.put("stats_error", e.getMessage());
    }
    f.put("stats_ms", millis(System.nanoTime() - tst));
    logLine("info", "applied", f);
  }

  /**
   * Before the first replacement of this process: what does the kernel hold already (rules left
   * by an earlier agent, an older policy set, nothing)? Logged and counted; the replacement
   * follows whatever the answer, atomically. Returns the nanoseconds it took.
   */
  private long startupCheck(Artifact next) {
    long t0 = System.nanoTime();
    StartupCheck c;
    try {
      c = StartupCheck.compare(settings.backend(), next, applier.readBack(), session.graph(), session.cluster(),
          StartupCheck.DEFAULT_MAX_PROBES);
    } catch (RuleApplier.ApplyException e) {
      c = new StartupCheck(StartupCheck.Result.UNREADABLE, 0, 0, e.getMessage());
    }
    long took = System.nanoTime() - t0;
    lastStartupCheck = c;
    metrics.startupChecks.labelValues(c.result().label()).inc();
    Map<String, String> f = fields("result", c.result().label(), "probes", Long.toString(c.probes()),
        "differences", Long.toString(c.differences()), "check_ms", millis(took));
    if (!c.detail().isEmpty()) {
      f.put("detail", c.detail());
    }
    String msg = switch (c.result()) {
      case MATCH -> "the kernel already holds the compiled rules; replacing atomically";
      case EMPTY -> "the kernel holds none of the backend's rules; installing";
      case DRIFT -> "the kernel's rules differ from the compiled ones; replacing atomically";
      case UNREADABLE, UNCHECKED -> "the kernel's rules were not compared; replacing atomically";
    };
    boolean fine = c.result() == StartupCheck.Result.MATCH || c.result() == StartupCheck.Result.EMPTY;
    logLine(fine ? "info" : "warn", msg, f);
    return took;
  }

  /** The start-up comparison of this process (made once, before its first full apply). */
  public Optional<StartupCheck> startupCheck() {
    return Optional.ofNullable(lastStartupCheck);
  }

  private void tellDropCounters() {
    PolicyDropCounters d = drops;
    if (d != null) {
      d.applied(session.graph(), session.cluster());
    }
  }

  private void fail(String stage, String why, int events) {
    metrics.errors.labelValues(stage).inc();
    needFull = true;
    failures++;
    Snapshot prev = last;
    last = new Snapshot(prev.batches(), prev.events(), prev.failures() + 1, prev.installed(), prev.cluster(),
        prev.full());
    logLine("error", stage + " failed; the kernel keeps the last rules, retrying with a full replacement",
        fields("events", Integer.toString(events), "error", why, "retry_in_ms", Long.toString(backoffMillis())));
  }

  private void reject(ClusterView.Rejection r) {
    WatchEvent e = r.event();
    metrics.rejected.labelValues(e.kind().label()).inc();
    logLine("warn", "object rejected", fields("kind", e.kind().label(), "object", e.key(),
        "kept", r.keptOld() ? "last accepted version" : "none (never accepted)", "reason", r.reason()));
    if (!settings.reportEvents()) {
      return;
    }
    HasMetadata o = e.object();
    String ns = o.getMetadata().getNamespace() == null ? "default" : o.getMetadata().getNamespace();
    String now = Instant.now().toString();
    String message = r.reason().length() > 1000 ? r.reason().substring(0, 1000) + "..." : r.reason();
    try {
      client.v1().events().inNamespace(ns).resource(new EventBuilder()
          .withNewMetadata().withGenerateName(o.getMetadata().getName() + ".netpolc-").withNamespace(ns).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(o.getApiVersion()).withKind(o.getKind())
              .withName(o.getMetadata().getName()).withNamespace(o.getMetadata().getNamespace())
              .withUid(o.getMetadata().getUid()).build())
          .withReason("NetpolcRejected").withType("Warning")
          .withMessage("netpolc agent on " + settings.node() + " rejected this object; "
              + (r.keptOld() ? "its last accepted version stays enforced: " : "it is not enforced: ") + message)
          .withSource(new EventSourceBuilder().withComponent("netpolc-agent").withHost(settings.node()).build())
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build()).create();
    } catch (KubernetesClientException ex) {
      logLine("warn", "cannot post the rejection event", fields("object", e.key(), "error", String.valueOf(ex.getMessage())));
    }
  }

  /** Log fields in the order given: key, value, key, value, ... */
  private static Map<String, String> fields(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String millis(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
  }

  /** One logfmt line: time, level, message, then the fields in order; values quoted when needed. */
  private void logLine(String level, String msg, Map<String, String> fields) {
    StringBuilder b = new StringBuilder();
    b.append("ts=").append(Instant.now()).append(" level=").append(level).append(" node=")
        .append(quote(settings.node())).append(" msg=").append(quote(msg));
    fields.forEach((k, v) -> b.append(' ').append(k).append('=').append(quote(v)));
    synchronized (log) {
      log.println(b);
      log.flush();
    }
  }

  /** A logfmt value: bare when safe, else quoted with quotes, backslashes and control characters escaped. */
  static String quote(String v) {
    if (!v.isEmpty() && v.chars().allMatch(c -> c > ' ' && c < 127 && c != '"' && c != '=' && c != '\\')) {
      return v;
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : v.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < ' ' || c == 127) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** The agent cannot start. */
  public static final class AgentException extends Exception {
    private static final long serialVersionUID = 1L;

    /** With the reason. */
    public AgentException(String message) {
      super(message);
    }
  }
}
