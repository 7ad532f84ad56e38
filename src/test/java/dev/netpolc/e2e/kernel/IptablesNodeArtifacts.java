package dev.netpolc.e2e.kernel;

import com.google.common.collect.ImmutableMap;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Backends;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The iptables backend's artifacts of one cluster, one per node of its {@link KernelLayout}
 * (cluster-wide once when the pods have no nodes), applied in each node namespace by their own
 * {@code apply.sh} (ipset restore, iptables-restore and ip6tables-restore with --noflush, hook
 * jumps added once), as an operator would.
 *
 * @param artifacts node → its artifact
 * @param graphs    node → the graph it was emitted from
 * @param nodeOf    address → the node it lives on (to route simulated connections)
 */
public record IptablesNodeArtifacts(Map<String, Artifact> artifacts, Map<String, RuleGraph> graphs,
    Map<IpAddress, String> nodeOf) implements NodeArtifacts {

  /** Copies the maps. */
  public IptablesNodeArtifacts {
    artifacts = ImmutableMap.copyOf(artifacts);
    graphs = ImmutableMap.copyOf(graphs);
    nodeOf = ImmutableMap.copyOf(nodeOf);
  }

  /** The iptables backend; fails the test when it is not on the class path. */
  public static Backend backend() {
    return Backends.find("iptables").orElseThrow(() -> new AssertionError("no iptables backend on the class path: "
        + Backends.names()));
  }

  /** Compiles and emits {@code cluster} for every node of {@code layout} with {@code options}. */
  public static IptablesNodeArtifacts compile(Cluster cluster, KernelLayout layout, BackendOptions options) {
    Backend ipt = backend();
    Map<String, Artifact> artifacts = new LinkedHashMap<>();
    Map<String, RuleGraph> graphs = new LinkedHashMap<>();
    for (String node : layout.nodes()) {
      CompileOptions o = layout.clusterWide() ? CompileOptions.DEFAULTS : CompileOptions.DEFAULTS.withNode(node);
      RuleGraph g = new Compiler().compile(cluster, o).graph();
      try {
        artifacts.put(node, ipt.emit(g, options));
      } catch (BackendException e) {
        throw new AssertionError("iptables backend cannot emit the files of node " + node + ": " + e.getMessage(), e);
      }
      graphs.put(node, g);
    }
    return new IptablesNodeArtifacts(artifacts, graphs, layout.nodeByAddress(cluster));
  }

  /** Runs every node's apply.sh in its node namespace (files written to a temporary directory). */
  @Override
  public void load(Topology t) {
    NodeArtifacts.forEachNode(artifacts, (node, a) -> {
      Path dir = write(a);
      try {
        CommandResult r = t.exec(Duration.ofSeconds(60), "", node, "bash", dir.resolve("apply.sh").toString());
        if (!r.ok()) {
          throw new AssertionError("apply.sh failed in node " + node + ": " + r.describe());
        }
      } finally {
        delete(dir);
      }
    });
  }

  /**
   * Empties each node's filter and mangle tables (IPv4 and IPv6: user chains deleted, built-in
   * chains flushed) and destroys its ipsets, then runs its apply.sh, in one shell per node. The
   * nodes hold nothing else in those tables (the harness's own rules are an nftables table, and
   * the CNI networks masquerade nothing). apply.sh's removal of an earlier compile's chains and
   * sets, one process per chain and set, is what made a case's load slow; the reapply and delta
   * kernel tests cover it.
   */
  @Override
  public void loadForNewCase(Topology t) {
    NodeArtifacts.forEachNode(artifacts, (node, a) -> {
      Path dir = write(a);
      try {
        CommandResult r = t.exec(Duration.ofSeconds(60), "", node, "bash", "-c", EMPTY_NODE + "exec bash \"$1\"",
            "apply", dir.resolve("apply.sh").toString());
        if (!r.ok()) {
          throw new AssertionError("emptying the tables or apply.sh failed in node " + node + ": " + r.describe());
        }
      } finally {
        delete(dir);
      }
    });
  }

  /** Shell commands that empty a node's filter and mangle tables and destroy its ipsets (rules first: they use sets). */
  private static final String EMPTY_NODE = "set -e; for r in iptables-restore ip6tables-restore; do"
      + " printf '*filter\\nCOMMIT\\n*mangle\\nCOMMIT\\n' | $r; done; ipset destroy; ";

  /** {@code iptables-restore --test} and {@code ip6tables-restore --test} of every node; node → complaint. */
  @Override
  public Map<String, String> check(Topology t) {
    Map<String, String> failures = new LinkedHashMap<>();
    artifacts.forEach((node, a) -> {
      for (String[] f : new String[][] {{"iptables.rules", "iptables-restore"}, {"ip6tables.rules",
          "ip6tables-restore"}}) {
        CommandResult r = t.exec(Duration.ofSeconds(20), a.files().get(f[0]), node, f[1], "--test", "--noflush");
        if (!r.ok()) {
          failures.put(node, f[1] + ": " + r.describe());
        }
      }
    });
    return failures;
  }

  /** A decider made of each node's simulator: a connection passes the source's node and the destination's. */
  @Override
  public ConnectionDecider simulator() {
    Backend ipt = backend();
    Map<String, ConnectionDecider> sims = new LinkedHashMap<>();
    for (Map.Entry<String, Artifact> e : artifacts.entrySet()) {
      try {
        sims.put(e.getKey(), ipt.simulator(e.getValue(), SimulationContext.of(graphs.get(e.getKey()))));
      } catch (BackendException ex) {
        throw new AssertionError("iptables simulator cannot read the files of node " + e.getKey() + ": "
            + ex.getMessage(), ex);
      }
    }
    return NodeArtifacts.throughNodes(sims, nodeOf);
  }

  /** Every node's filter tables and sets as the kernel lists them, for failure messages. */
  @Override
  public String listed(Topology t) {
    StringBuilder sb = new StringBuilder();
    for (String node : artifacts.keySet()) {
      for (String[] cmd : new String[][] {{"iptables-save", "-t", "filter"}, {"ip6tables-save", "-t", "filter"},
          {"ipset", "save"}}) {
        sb.append("---- node ").append(node).append(": ").append(String.join(" ", cmd)).append('\n');
        CommandResult r = t.exec(node, cmd);
        sb.append(r.ok() ? r.stdout() : "(cannot list: " + r.describe() + ")\n");
      }
    }
    return sb.toString();
  }

  private static Path write(Artifact a) {
    try {
      Path dir = Files.createTempDirectory("np-ipt-apply-");
      for (Map.Entry<String, String> f : a.files().entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (var s = Files.list(dir)) {
      for (Path f : s.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
