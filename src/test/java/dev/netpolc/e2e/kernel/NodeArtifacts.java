package dev.netpolc.e2e.kernel;

import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.kernel.Topology;
import java.util.Map;

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
}
