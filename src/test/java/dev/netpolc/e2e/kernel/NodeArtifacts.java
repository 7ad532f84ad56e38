package dev.netpolc.e2e.kernel;

import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.IpAddress;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** One backend's per-node artifacts of a cluster, as the kernel tests use them. */
interface NodeArtifacts {
  /** Installs every node's artifact into its node namespace, replacing what was there. */
  void load(Topology t);

  /**
   * As {@link #load}, for a run of independent cases: what an earlier load left on the nodes may
   * be removed wholesale first, where that is cheaper than the artifact's own clean-up (which the
   * backend's reapply tests cover). The rules in force afterwards are the same.
   */
  default void loadForNewCase(Topology t) {
    load(t);
  }

  /** Per node, why the backend's own tools reject its artifact (empty when all pass). */
  Map<String, String> check(Topology t);

  /** Decides a connection through the artifacts of its source's and destination's nodes. */
  ConnectionDecider simulator();

  /** What the kernel holds now, for failure messages. */
  String listed(Topology t);

  /**
   * Runs {@code action} for every node at once, each in its own thread (nodes are separate
   * namespaces, and loading rules is mostly waiting for {@code nft}, {@code iptables-restore} or
   * {@code bpftool}); returns when all are done and rethrows the first failure, in node order.
   */
  static <V> void forEachNode(Map<String, V> perNode, BiConsumer<String, V> action) {
    if (perNode.size() < 2) {
      perNode.forEach(action);
      return;
    }
    Map<String, Thread> threads = new LinkedHashMap<>();
    Map<String, Throwable> failures = new ConcurrentHashMap<>();
    perNode.forEach((node, v) -> {
      Thread th = new Thread(() -> {
        try {
          action.accept(node, v);
        } catch (Throwable e) {
          failures.put(node, e);
        }
      }, "netpolc-load-" + node);
      th.setDaemon(true);
      threads.put(node, th);
      th.start();
    });
    for (Thread th : threads.values()) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while loading the nodes' artifacts", e);
      }
    }
    for (String node : threads.keySet()) {
      Throwable e = failures.get(node);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      if (e instanceof Error err) {
        throw err;
      }
      if (e != null) {
        throw new IllegalStateException("loading node " + node + " failed", e);
      }
    }
  }

  /**
   * A decider made of each node's simulator: a connection must pass the source's node and the
   * destination's (the only node, when there is one).
   */
  static ConnectionDecider throughNodes(Map<String, ConnectionDecider> sims, Map<IpAddress, String> nodeOf) {
    return c -> {
      Set<String> path = new LinkedHashSet<>();
      for (IpAddress a : new IpAddress[] {c.source(), c.destination()}) {
        String n = nodeOf.get(a);
        if (n != null) {
          path.add(n);
        }
      }
      if (sims.size() == 1) {
        path = sims.keySet();
      }
      for (String n : path) {
        if (!sims.get(n).allows(c)) {
          return false;
        }
      }
      return true;
    };
  }
}
