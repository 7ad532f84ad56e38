package dev.netpolc.backend.nftables.bench;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Benchmark main (not a test): the time to compute the nftables delta of one pod event (a pod
 * relabelled to another pod's labels of its namespace, so that it moves between existing
 * groups, and back) on a generated cluster, per node. Prints the median and p90 over the
 * events, and how many were incremental. Run:
 * {@code java -cp <test classpath> dev.netpolc.backend.nftables.bench.PodEventBench 100000 2000}.
 */
public final class PodEventBench {
  private PodEventBench() {}

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int policies = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int events = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    Cluster c = LargeClusterGen.generate(42, pods, policies);
    String node = c.nodes().get(0).name();
    long t0 = System.nanoTime();
    CompilerSession s = new Compiler().session(c, CompileOptions.DEFAULTS.withNode(node));
    NftablesBackend nft = new NftablesBackend();
    BackendOptions opts = BackendOptions.DEFAULTS;
    Artifact installed = nft.emit(s.graph(), opts);
    System.out.printf("cluster: %d pods, %d policies; session + first emit: %d ms; ruleset %d KiB%n", pods,
        policies, (System.nanoTime() - t0) / 1_000_000, installed.primary().length() / 1024);
    Random r = new Random(7);
    List<Pod> all = new ArrayList<>(s.cluster().pods());
    long[] nanos = new long[events];
    int incremental = 0;
    List<Long> incNanos = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < events; i++) {
      Pod p = all.get(r.nextInt(all.size()));
      Pod other = all.get(r.nextInt(all.size()));
      Pod moved = new Pod(p.namespace(), p.name(), p.namespace().equals(other.namespace()) ? other.labels() : p.labels(),
          p.ips(), p.nodeName(), p.hostNetwork(), p.phase(), p.ports(), p.initPorts(), p.position());
      long a = System.nanoTime();
      GraphUpdate u = s.apply(List.of(new ClusterChange.PodUpserted(moved)));
      Delta d = u.incremental() ? nft.update(installed, u, opts) : null;
      nanos[i] = System.nanoTime() - a;
      if (u.incremental()) {
        incremental++;
        incNanos.add(nanos[i]);
        bytes += d.files().get(NftablesBackend.DELTA_FILE).length();
        // Put it back, so that the cluster stays as generated.
        s.apply(List.of(new ClusterChange.PodUpserted(p)));
      } else {
        installed = nft.emit(s.graph(), opts);
        s.apply(List.of(new ClusterChange.PodUpserted(p)));
        installed = nft.emit(s.graph(), opts);
      }
    }
    long[] inc = new long[incremental];
    for (int i = 0; i < incremental; i++) {
      inc[i] = incNanos.get(i);
    }
    Arrays.sort(inc);
    Arrays.sort(nanos);
    System.out.printf("pod events: %d, incremental %d; incremental: median %.3f ms, p90 %.3f ms; all: median %.3f ms;"
        + " mean delta %d bytes%n", events, incremental, incremental == 0 ? 0 : inc[incremental / 2] / 1e6,
        incremental == 0 ? 0 : inc[incremental * 9 / 10] / 1e6, nanos[events / 2] / 1e6,
        incremental == 0 ? 0 : bytes / incremental);
  }
}
