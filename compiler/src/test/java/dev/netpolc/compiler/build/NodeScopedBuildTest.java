package dev.netpolc.compiler.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The node-scoped build (policies matched only against the node's pods) gives exactly the graph
 * of the general build (every pod partitioned by its selecting policies, then restricted to the
 * node), for every node, unscheduled pods' absent node and a node nobody runs on, under every
 * semantics option.
 */
class NodeScopedBuildTest {
  private static final List<SemanticsOptions> VARIANTS = List.of(SemanticsOptions.DEFAULTS,
      SemanticsOptions.DEFAULTS.withIpBlockMatchesPodIps(false),
      SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false),
      SemanticsOptions.DEFAULTS.withHostNetworkPodsArePolicyTargets(true));

  @Test
  void theNodeScopedBuildEqualsTheGeneralBuildOnEveryNode() {
    qt().withExamples(300).withShrinkCycles(300).forAll(ClusterGen.clusters()).checkAssert(c -> {
      for (SemanticsOptions options : VARIANTS) {
        check(c, options, Integer.MAX_VALUE);
      }
    });
  }

  @Test
  void theNodeScopedBuildEqualsTheGeneralBuildOnLargeClusters() {
    // Namespaces of about 100 pods: selections go through the per-namespace label index.
    Cluster c = LargeClusterGen.generate(7, 1_000, 100);
    for (SemanticsOptions options : VARIANTS) {
      check(c, options, 3);
    }
  }

  /** Checks the first {@code maxNodes} nodes by name, and a node nobody runs on. */
  private static void check(Cluster c, SemanticsOptions options, int maxNodes) {
    TreeSet<String> nodes = new TreeSet<>();
    c.nodes().stream().map(Node::name).forEach(nodes::add);
    c.pods().stream().map(Pod::nodeName).filter(n -> n != null).forEach(nodes::add);
    List<String> checked = new java.util.ArrayList<>(nodes.stream().limit(maxNodes).toList());
    checked.add("no-such-node");
    for (String node : checked) {
      // A fresh builder each time: the general build must not profit from the fast one's memos.
      RuleGraph general = new GraphBuilder(c, new ClusterIndex(c, options), options)
          .buildBySelectionClasses(Optional.of(node));
      RuleGraph fast = new GraphBuilder(c, new ClusterIndex(c, options), options).build(Optional.of(node));
      assertThat(fast).as("node %s, %s", node, options).isEqualTo(general);
    }
  }
}
