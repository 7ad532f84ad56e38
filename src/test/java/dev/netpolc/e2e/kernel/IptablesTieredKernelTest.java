package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
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
 * The iptables backend's per-node artifacts of {@link TieredKernelScenario}'s tiered graph (drop
 * logging on, applied with their apply.sh) enforced by the real kernel, bridged and routed:
 * every probe between pods and nodes, TCP and UDP, IPv4 and IPv6, as {@link RuleGraphEvaluator}
 * decides it — Admin Deny over a NetworkPolicy allow, Pass to the NetworkPolicy tier, Baseline
 * Deny of non-isolated pods, a pod to its own node under an Admin Deny (NETPOLC-INPUT) — and as
 * the simulators of the same artifacts decide it. Run once with a budget of 200 ipsets (BRIDGE)
 * and once with 3 (PTP: identity sets and mark bits, the mangle table's INPUT chain).
 */
@Tag("kernel")
class IptablesTieredKernelTest {

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "conntrack", "ipset", "iptables", "ip6tables",
        "iptables-restore", "ip6tables-restore", "bash");
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void kernelDecidesTiersLikeTheIrEvaluator(Topology.Mode mode) {
    run(mode, false);
  }

  /**
   * The same scenario spread over six tiers ({@link TieredKernelScenario#multiTierClusterGraph}):
   * dialect tier chains ({@code -00}, {@code -01}, …) and two node-local copies ({@code -NL},
   * {@code -Q1}); the kernel decides every probe as before and as the IR evaluator.
   */
  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void kernelDecidesDialectTiersLikeTheIrEvaluator(Topology.Mode mode) {
    run(mode, true);
  }

  private static void run(Topology.Mode mode, boolean dialect) {
    long t0 = System.nanoTime();
    String budget = mode == Topology.Mode.PTP ? "3" : "200";
    try (Topology t = TieredKernelScenario.build(mode)) {
      t.startServers(TieredKernelScenario.PORTS, true);
      RuleGraph cluster = dialect ? TieredKernelScenario.multiTierClusterGraph(t) : TieredKernelScenario.clusterGraph(t);
      Map<String, RuleGraph> graphs = TieredKernelScenario.nodeGraphs(cluster);
      Map<String, Artifact> files = new LinkedHashMap<>();
      graphs.forEach((node, g) -> {
        try {
          files.put(node, IptablesNodeArtifacts.backend().emit(g, BackendOptions.DEFAULTS.withLogDrops(true)
              .with("maxIpsets", budget)));
        } catch (BackendException e) {
          throw new AssertionError(e);
        }
      });
      String n1 = files.get("n1").files().get("iptables.rules") + files.get("n1").files().get("ip6tables.rules");
      assertThat(n1).contains(":NETPOLC-INPUT", "-NL - [0:0]");
      if (dialect) {
        assertThat(n1).contains("-Q1 - [0:0]", "-01 - [0:0]");
      }
      if (budget.equals("3")) {
        // Mark bits: the mangle table maps them at INPUT too, before the node-local chains test them.
        assertThat(n1.substring(n1.indexOf("*mangle"))).contains(":NETPOLC-INPUT - [0:0]");
      }
      IptablesNodeArtifacts artifacts = new IptablesNodeArtifacts(files, graphs, TieredKernelScenario.nodeOf(t));
      artifacts.load(t); // apply.sh: the ipsets, both rules files, the hook jumps; fails loudly
      assertThat(t.exec("n1", "iptables", "-S", "INPUT").stdout()).contains("-j NETPOLC-INPUT");
      ConformanceKernelRun.forgetPreviousCase(t, true);
      List<Probe> probes = TieredKernelScenario.probes(t);
      Map<Probe, Boolean> expected = TieredKernelScenario.decide(t, probes, new RuleGraphEvaluator(cluster));
      if (dialect) {
        assertThat(expected).isEqualTo(TieredKernelScenario.decide(t, probes,
            new RuleGraphEvaluator(TieredKernelScenario.clusterGraph(t))));
      }
      TieredKernelScenario.checkTheScenario(expected);
      assertThat(TieredKernelScenario.decide(t, probes, artifacts.simulator())).as("simulated artifacts")
          .isEqualTo(expected);
      Reachability seen = KernelMatrix.probe(t, probes, expected);
      TieredKernelScenario.assertKernelAgrees(t, seen, expected, artifacts, "iptables " + (dialect ? "dialect " : "")
          + mode + ", maxIpsets " + budget);
      System.out.printf("iptables %stiers on the kernel (%s, maxIpsets %s): %d probes (%d allowed), %d ms%n",
          dialect ? "dialect " : "", mode,
          budget, probes.size(), expected.values().stream().filter(v -> v).count(), (System.nanoTime() - t0) / 1_000_000);
    }
  }
}
