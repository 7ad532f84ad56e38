package dev.netpolc.e2e.kernel;

import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.IpAddress;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** One backend's per-node artifacts of a cluster, as the kernel tests use them. */
interface NodeArtifacts {
  /** Installs every node's artifact into its node namespace, replacing what was there. */
  void load(Topology t);

  /** Per node, why the backend's own tools reject its artifact (empty when all pass). */
  Map<String, String> check(Topology t);

  /** Decides a connection through the artifacts of its source's and destination's nodes. */
  ConnectionDecider simulator();

  /** What the kernel holds now, for failure messages. */
  String listed(Topology t);

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
