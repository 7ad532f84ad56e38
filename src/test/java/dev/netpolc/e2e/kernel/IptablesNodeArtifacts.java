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
   * Installs each node's artifact on tables emptied first, in one shell per node: filter and
   * mangle tables emptied (IPv4 and IPv6: user chains deleted, built-in chains flushed), ipsets
   * destroyed, then the artifact's {@code ipset.restore}, {@code iptables.rules} and
   * {@code ip6tables.rules} restored with the hook jumps its {@code apply.sh} adds (read from
   * that script's {@code hook} lines) in the same {@code iptables-restore} input. The rules in
   * force afterwards are the ones apply.sh installs; apply.sh itself spends a process per hook
   * check and per earlier chain and set it removes, which on emptied tables finds nothing to do.
   * The nodes hold nothing else in those tables (the harness's own rules are an nftables table,
   * and the CNI networks masquerade nothing). apply.sh is run as is by the reapply and delta
   * kernel tests ({@code IptablesReapplyKernelTest}, {@code IptablesDeltaKernelTest}).
   */
  @Override
  public void loadForNewCase(Topology t) {
    NodeArtifacts.forEachNode(artifacts, (node, a) -> {
      Map<String, String> hooked = withHookJumps(a);
      Path dir = write(a.files(), hooked);
      try {
        CommandResult r = t.exec(Duration.ofSeconds(60), "", node, "bash", "-c", EMPTY_NODE + LOAD_NODE, "load",
            dir.toString());
        if (!r.ok()) {
          throw new AssertionError("emptying the tables or loading the artifact failed in node " + node + ": "
              + r.describe());
        }
      } finally {
        delete(dir);
      }
    });
  }

  /** Shell commands that empty a node's filter and mangle tables and destroy its ipsets (rules first: they use sets). */
  private static final String EMPTY_NODE = "set -e; for r in iptables-restore ip6tables-restore; do"
      + " printf '*filter\\nCOMMIT\\n*mangle\\nCOMMIT\\n' | $r; done; ipset destroy; ";

  /** Shell commands that load the sets, then each family's rules with their hook jumps, from directory {@code $1}. */
  private static final String LOAD_NODE = "ipset restore < \"$1/ipset.restore\";"
      + " iptables-restore --noflush < \"$1/iptables.rules\"; ip6tables-restore --noflush < \"$1/ip6tables.rules\"";

  /** A line of apply.sh that adds a hook jump: {@code hook BIN TABLE HOOK CHAIN}. */
  private static final java.util.regex.Pattern HOOK_LINE =
      java.util.regex.Pattern.compile("^hook (iptables|ip6tables) (filter|mangle) ([A-Z]+) ([A-Za-z0-9_-]+)$",
          java.util.regex.Pattern.MULTILINE);

  /**
   * The artifact's {@code iptables.rules} and {@code ip6tables.rules}, each followed by a block
   * per table that inserts the hook jumps its apply.sh adds; fails when apply.sh adds none (the
   * rules would then police nothing).
   */
  private static Map<String, String> withHookJumps(Artifact a) {
    Map<String, Map<String, StringBuilder>> jumps = new LinkedHashMap<>();
    java.util.regex.Matcher m = HOOK_LINE.matcher(a.files().get("apply.sh"));
    while (m.find()) {
      jumps.computeIfAbsent(m.group(1), k -> new LinkedHashMap<>())
          .computeIfAbsent(m.group(2), k -> new StringBuilder())
          .append("-I ").append(m.group(3)).append(" 1 -j ").append(m.group(4)).append('\n');
    }
    if (!jumps.containsKey("iptables") || !jumps.containsKey("ip6tables")) {
      throw new AssertionError("apply.sh adds no hook jump for both families (its hook lines changed?): "
          + jumps.keySet());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] f : new String[][] {{"iptables.rules", "iptables"}, {"ip6tables.rules", "ip6tables"}}) {
      StringBuilder text = new StringBuilder(a.files().get(f[0]));
      jumps.get(f[1]).forEach((table, lines) -> text.append('*').append(table).append('\n').append(lines)
          .append("COMMIT\n"));
      out.put(f[0], text.toString());
    }
    return out;
  }

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
    return write(a.files(), Map.of());
  }

  /** The files in a new temporary directory, those of {@code replaced} with its text instead. */
  private static Path write(Map<String, String> files, Map<String, String> replaced) {
    try {
      Path dir = Files.createTempDirectory("np-ipt-apply-");
      for (Map.Entry<String, String> f : files.entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), replaced.getOrDefault(f.getKey(), f.getValue()),
            StandardCharsets.UTF_8);
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
