package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.compiler.build.GraphBuilder;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.lint.LintContext;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The literal cluster-wide rule graph the tier lint rules read ({@code -O0}, so every graph rule
 * is one policy rule's, with its origin), built past the acceptance gate since lint also reads
 * input the gate blocks; {@code domainNames} peers match nothing. Empty when the input cannot be
 * translated (the NP1xx findings say why).
 */
final class TieredGraph {
  private final Optional<RuleGraph> graph;

  private TieredGraph(Optional<RuleGraph> graph) {
    this.graph = graph;
  }

  /** The graph of {@code context}'s cluster, built once per lint run and kept on it: NP258 and NP259 share it. */
  static Optional<RuleGraph> of(LintContext context) {
    return context.analysis(TieredGraph.class, c -> new TieredGraph(build(c.cluster()))).graph;
  }

  private static Optional<RuleGraph> build(Cluster cluster) {
    SemanticsOptions options = SemanticsOptions.DEFAULTS.withDomainNamesMatchNothing(true);
    try {
      return Optional.of(new GraphBuilder(cluster, new ClusterIndex(cluster, options), options)
          .build(Optional.empty()));
    } catch (CompileException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The cluster-scoped policies by the key their rules' origins carry. */
  static Map<String, ClusterNetworkPolicy> byKey(Cluster cluster) {
    Map<String, ClusterNetworkPolicy> out = new HashMap<>();
    for (ClusterNetworkPolicy p : cluster.tieredPolicies()) {
      out.putIfAbsent(p.key(), p);
    }
    return out;
  }
}
