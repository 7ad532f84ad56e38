package dev.netpolc.bench;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.Preset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The latency of one pod event on the incremental path: a pod of a generated cluster takes the
 * labels of another pod of its namespace (so it moves between existing groups and in and out of
 * peer sets), the {@link CompilerSession} applies it and the nftables backend computes the delta;
 * then the pod is put back the same way. Events that the session cannot take incrementally
 * (they recompile) are counted and left out of the figures: they are not pod events whose group
 * exists. Prints one line: events, incremental share, median and p90 in milliseconds.
 *
 * <pre>java -cp bench/target/netpolc-bench.jar dev.netpolc.bench.PodEventBench [--preset node-agent]
 *     [--scale 1.0] [--events 2000] [--warmup 500]</pre>
 *
 * A main, not JMH: the requirement is a median and p90 per event, on a session that a JMH
 * fork would have to rebuild (a minute at 100,000 pods) for every trial.
 */
public final class PodEventBench {
  private PodEventBench() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws BackendException {
    Preset preset = Preset.NODE_AGENT;
    double scale = 1.0;
    int events = 2_000;
    int warmup = 500;
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--preset" -> preset = Preset.byName(args[++i])
            .orElseThrow(() -> new IllegalArgumentException("unknown preset; known: " + Preset.names()));
        case "--scale" -> scale = Double.parseDouble(args[++i]);
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--json" -> json = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Cluster c = ClusterGenerator.generate(preset.spec(42, scale));
    long t0 = System.nanoTime();
    CompilerSession s = new Compiler().session(c, CompileOptions.DEFAULTS.withNode(ClusterGenerator.FOCUS_NODE));
    NftablesBackend nft = new NftablesBackend();
    BackendOptions opts = BackendOptions.DEFAULTS;
    Artifact installed = nft.emit(s.graph(), opts);
    long setupMs = (System.nanoTime() - t0) / 1_000_000;
    List<Pod> all = new ArrayList<>(s.cluster().pods());
    Random r = new Random(7);
    Result warm = run(s, nft, installed, opts, all, r, warmup);
    Result m = run(s, nft, warm.installed, opts, all, r, events);
    long[] inc = Arrays.copyOf(m.nanos, m.incremental);
    Arrays.sort(inc);
    double median = inc.length == 0 ? Double.NaN : inc[inc.length / 2] / 1e6;
    double p90 = inc.length == 0 ? Double.NaN : inc[inc.length * 9 / 10] / 1e6;
    String label = scale == 1.0 ? preset.cliName() : preset.cliName() + "@" + scale;
    if (json) {
      System.out.printf(Locale.ROOT, "{\"preset\":\"%s\",\"stage\":\"pod-event\",\"pods\":%d,\"policies\":%d,"
          + "\"events\":%d,\"incremental\":%d,\"medianMillis\":%.4f,\"p90Millis\":%.4f,\"setupMillis\":%d}%n",
          label, c.pods().size(), c.policies().size(), events, m.incremental, median, p90, setupMs);
    } else {
      System.out.printf(Locale.ROOT, "%s: %d pods, %d policies; session + first emit %d ms; pod events %d,"
          + " incremental %d: median %.3f ms, p90 %.3f ms%n", label, c.pods().size(), c.policies().size(), setupMs,
          events, m.incremental, median, p90);
    }
  }

  private record Result(long[] nanos, int incremental, Artifact installed) {}

  /** {@code events} relabel-and-back pairs; the nanos of the incremental ones come first. */
  private static Result run(CompilerSession s, NftablesBackend nft, Artifact installed, BackendOptions opts,
      List<Pod> all, Random r, int events) throws BackendException {
    long[] nanos = new long[events * 2];
    int n = 0;
    for (int i = 0; i < events; i++) {
      Pod p = all.get(r.nextInt(all.size()));
      Pod other = all.get(r.nextInt(all.size()));
      if (!p.namespace().equals(other.namespace()) || p.labels().equals(other.labels())) {
        // Another pod of the same namespace, so that the labels make sense there.
        other = sameNamespace(all, p, r);
      }
      Pod moved = new Pod(p.namespace(), p.name(), other.labels(), p.ips(), p.nodeName(), p.hostNetwork(),
          p.phase(), p.ports(), p.initPorts(), p.position());
      for (Pod next : List.of(moved, p)) {
        long a = System.nanoTime();
        GraphUpdate u = s.apply(List.of(new ClusterChange.PodUpserted(next)));
        if (u.incremental()) {
          Delta d = nft.update(installed, u, opts);
          nanos[n++] = System.nanoTime() - a;
          if (d.files().isEmpty()) {
            throw new IllegalStateException("a delta without files");
          }
        } else {
          installed = nft.emit(s.graph(), opts);
        }
      }
    }
    return new Result(nanos, n, installed);
  }

  private static Pod sameNamespace(List<Pod> all, Pod p, Random r) {
    int start = r.nextInt(all.size());
    for (int k = 0; k < all.size(); k++) {
      Pod o = all.get((start + k) % all.size());
      if (o.namespace().equals(p.namespace()) && !o.labels().equals(p.labels())) {
        return o;
      }
    }
    return p;
  }
}
