package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.Probe;
import dev.netpolc.kernel.Reachability;
import dev.netpolc.kernel.Topology;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The nftables backend's per-node rulesets of {@link TieredKernelScenario}'s tiered graph
 * (drop logging on) enforced by the real kernel, bridged and routed: every probe between pods
 * and nodes, TCP and UDP, IPv4 and IPv6, as {@link RuleGraphEvaluator} decides it — Admin Deny
 * over a NetworkPolicy allow, Pass to the NetworkPolicy tier, Baseline Deny of non-isolated
 * pods, a pod to its own node under an Admin Deny (the node's input hook) — and as the
 * simulators of the same rulesets decide it.
 */
@Tag("kernel")
class NftablesTieredKernelTest {

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "conntrack");
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void kernelDecidesTiersLikeTheIrEvaluator(Topology.Mode mode) {
    long t0 = System.nanoTime();
    try (Topology t = TieredKernelScenario.build(mode)) {
      t.startServers(TieredKernelScenario.PORTS, true);
      RuleGraph cluster = TieredKernelScenario.clusterGraph(t);
      Map<String, RuleGraph> graphs = TieredKernelScenario.nodeGraphs(cluster);
      Map<String, String> rulesets = new LinkedHashMap<>();
      graphs.forEach((node, g) -> {
        try {
          rulesets.put(node, NodeRulesets.backend().emit(g, BackendOptions.DEFAULTS.withLogDrops(true)).primary());
        } catch (BackendException e) {
          throw new AssertionError(e);
        }
      });
      assertThat(rulesets.get("n1")).contains("chain input {", "map ep_node4", "_out_node {");
      NodeRulesets artifacts = new NodeRulesets(rulesets, graphs, TieredKernelScenario.nodeOf(t));
      assertThat(artifacts.check(t)).isEmpty();
      artifacts.load(t);
      ConformanceKernelRun.forgetPreviousCase(t, true);
      List<Probe> probes = TieredKernelScenario.probes(t);
      Map<Probe, Boolean> expected = TieredKernelScenario.decide(t, probes, new RuleGraphEvaluator(cluster));
      TieredKernelScenario.checkTheScenario(expected);
      assertThat(TieredKernelScenario.decide(t, probes, artifacts.simulator())).as("simulated rulesets")
          .isEqualTo(expected);
      Reachability seen = KernelMatrix.probe(t, probes, expected);
      TieredKernelScenario.assertKernelAgrees(t, seen, expected, artifacts, "nftables " + mode);
      System.out.printf("nftables tiers on the kernel (%s): %d probes (%d allowed), %d ms%n", mode, probes.size(),
          expected.values().stream().filter(v -> v).count(), (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /**
   * The same scenario spread over six tiers ({@link TieredKernelScenario#multiTierClusterGraph}:
   * dialect tiers before Admin and after Baseline, a catch-all Pass, two node-local copies): the
   * kernel decides every probe as before and as the IR evaluator.
   */
  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void kernelDecidesDialectTiersLikeTheIrEvaluator(Topology.Mode mode) {
    long t0 = System.nanoTime();
    try (Topology t = TieredKernelScenario.build(mode)) {
      t.startServers(TieredKernelScenario.PORTS, true);
      RuleGraph cluster = TieredKernelScenario.multiTierClusterGraph(t);
      assertThat(cluster.tiers()).hasSize(6);
      Map<String, RuleGraph> graphs = TieredKernelScenario.nodeGraphs(cluster);
      Map<String, String> rulesets = new LinkedHashMap<>();
      graphs.forEach((node, g) -> {
        try {
          rulesets.put(node, NodeRulesets.backend().emit(g, BackendOptions.DEFAULTS.withLogDrops(true)).primary());
        } catch (BackendException e) {
          throw new AssertionError(e);
        }
      });
      assertThat(rulesets.get("n1")).contains("chain input {", "map ep_node4", "_out_node {", "_out_t1_node {",
          "_out_t1 {");
      NodeRulesets artifacts = new NodeRulesets(rulesets, graphs, TieredKernelScenario.nodeOf(t));
      assertThat(artifacts.check(t)).isEmpty();
      artifacts.load(t);
      ConformanceKernelRun.forgetPreviousCase(t, true);
      List<Probe> probes = TieredKernelScenario.probes(t);
      Map<Probe, Boolean> expected = TieredKernelScenario.decide(t, probes, new RuleGraphEvaluator(cluster));
      assertThat(expected).isEqualTo(TieredKernelScenario.decide(t, probes,
          new RuleGraphEvaluator(TieredKernelScenario.clusterGraph(t))));
      TieredKernelScenario.checkTheScenario(expected);
      assertThat(TieredKernelScenario.decide(t, probes, artifacts.simulator())).as("simulated rulesets")
          .isEqualTo(expected);
      Reachability seen = KernelMatrix.probe(t, probes, expected);
      TieredKernelScenario.assertKernelAgrees(t, seen, expected, artifacts, "nftables dialect tiers " + mode);
      System.out.printf("nftables dialect tiers on the kernel (%s): %d probes (%d allowed), %d ms%n", mode,
          probes.size(), expected.values().stream().filter(v -> v).count(), (System.nanoTime() - t0) / 1_000_000);
    }
  }
}
