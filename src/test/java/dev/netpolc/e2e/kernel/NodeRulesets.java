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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nftables rulesets of one cluster, one per node of its {@link KernelLayout}: compiled with
 * {@code CompileOptions.withNode(node)} (what {@code netpolc compile --node} does), or once
 * cluster-wide when the pods have no nodes, and emitted by {@code Backends.find("nftables")}.
 *
 * @param rulesets node → the {@code nft -f} script for it
 * @param graphs   node → the graph it was emitted from
 * @param nodeOf   address → the node it lives on (to route simulated connections)
 */
public record NodeRulesets(Map<String, String> rulesets, Map<String, RuleGraph> graphs, Map<IpAddress, String> nodeOf)
    implements NodeArtifacts {

  /** The name of the table the backend owns by default. */
  public static final String TABLE = "inet " + BackendOptions.DEFAULTS.tableName();

  /** Copies the maps. */
  public NodeRulesets {
    rulesets = ImmutableMap.copyOf(rulesets);
    graphs = ImmutableMap.copyOf(graphs);
    nodeOf = ImmutableMap.copyOf(nodeOf);
  }

  /** The nftables backend; fails the test when it is not on the class path. */
  public static Backend backend() {
    return Backends.find("nftables").orElseThrow(() -> new AssertionError("no nftables backend on the class path: "
        + Backends.names()));
  }

  /** Compiles and emits {@code cluster} for every node of {@code layout}. */
  public static NodeRulesets compile(Cluster cluster, KernelLayout layout) {
    return compile(cluster, layout, BackendOptions.DEFAULTS);
  }

  /** Compiles and emits {@code cluster} for every node of {@code layout} with {@code options}. */
  public static NodeRulesets compile(Cluster cluster, KernelLayout layout, BackendOptions options) {
    Backend nft = backend();
    Map<String, String> rulesets = new LinkedHashMap<>();
    Map<String, RuleGraph> graphs = new LinkedHashMap<>();
    for (String node : layout.nodes()) {
      CompileOptions o = layout.clusterWide() ? CompileOptions.DEFAULTS : CompileOptions.DEFAULTS.withNode(node);
      RuleGraph g = new Compiler().compile(cluster, o).graph();
      try {
        rulesets.put(node, nft.emit(g, options).primary());
      } catch (BackendException e) {
        throw new AssertionError("nftables backend cannot emit the ruleset of node " + node + ": " + e.getMessage(), e);
      }
      graphs.put(node, g);
    }
    return new NodeRulesets(rulesets, graphs, layout.nodeByAddress(cluster));
  }

  /** Loads every node's ruleset into its node namespace with {@code nft -f} (one transaction per node). */
  @Override
  public void load(Topology t) {
    NodeArtifacts.forEachNode(rulesets, t::loadNftables);
  }

  /** Runs {@code nft -c -f} (check only) on every node's ruleset; returns node → nft's complaint for those that fail. */
  @Override
  public Map<String, String> check(Topology t) {
    Map<String, String> failures = new LinkedHashMap<>();
    rulesets.forEach((node, text) -> {
      CommandResult r = t.exec(Duration.ofSeconds(20), text, node, "nft", "-c", "-f", "-");
      if (!r.ok()) {
        failures.put(node, r.describe());
      }
    });
    return failures;
  }

  /**
   * A decider made of each node's nftables simulator: a connection passes when it passes the
   * ruleset of the source's node and of the destination's node, as packets do in the kernel.
   */
  @Override
  public ConnectionDecider simulator() {
    Backend nft = backend();
    Map<String, ConnectionDecider> sims = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : rulesets.entrySet()) {
      RuleGraph g = graphs.get(e.getKey());
      try {
        sims.put(e.getKey(), nft.simulator(Artifact.of(nft.name(), "netpolc.nft", e.getValue()),
            SimulationContext.of(g)));
      } catch (BackendException ex) {
        throw new AssertionError("nftables simulator cannot read the ruleset of node " + e.getKey() + ": "
            + ex.getMessage(), ex);
      }
    }
    return NodeArtifacts.throughNodes(sims, nodeOf);
  }

  /** Every node's ruleset as nft lists it back from the kernel, for failure messages. */
  @Override
  public String listed(Topology t) {
    StringBuilder sb = new StringBuilder();
    for (String node : rulesets.keySet()) {
      sb.append("---- ruleset loaded in node ").append(node).append(" (nft list table ").append(TABLE).append(")\n");
      CommandResult r = t.exec(node, "nft", "list", "table", "inet", BackendOptions.DEFAULTS.tableName());
      sb.append(r.ok() ? r.stdout() : "(cannot list: " + r.describe() + ")\n");
    }
    return sb.toString();
  }
}
