package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintContext;
import dev.netpolc.model.lint.LintSink;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * NP259: a Baseline-tier policy that never applies, because every pod it selects is isolated by
 * NetworkPolicies in every direction it has rules for (the NetworkPolicy tier is final for
 * isolated pods). Egress rules still apply to a pod's traffic to its own node (exempt from the
 * NetworkPolicy tier), so an egress rule counts as shadowed only when its peers hold no address
 * of the nodes of the pods it selects. Read off the pods of the inventory.
 */
public final class ShadowedBaselinePolicy extends CompilerRule {
  /** The rule id. */
  public static final String ID = "NP259";

  /** The rule. */
  public ShadowedBaselinePolicy() {
    super(ID, Severity.WARNING, "a Baseline policy never applies: NetworkPolicies isolate every pod it selects",
        true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    Cluster cluster = context.cluster();
    if (cluster.tieredPolicies().stream().noneMatch(p -> "Baseline".equals(p.tier()))) {
      return;
    }
    Optional<RuleGraph> graph = TieredGraph.of(context);
    if (graph.isEmpty()) {
      return;
    }
    Set<String> applies = new HashSet<>();
    Map<String, Set<String>> isolatedBy = new HashMap<>();
    for (EndpointGroup g : graph.get().groups()) {
      for (Direction d : Direction.values()) {
        AddressSet nodes = d == Direction.EGRESS && graph.get().options().allowNodeToLocalPods()
            ? nodeAddresses(graph.get(), g) : AddressSet.EMPTY;
        for (Rule r : graph.get().rules(g.id(), d)) {
          if (r.tier() != Tier.BASELINE) {
            continue;
          }
          for (var o : r.origins()) {
            if (!g.isolated(d) || !r.peers().intersection(nodes).isEmpty()) {
              applies.add(o.policy());
            } else {
              isolatedBy.computeIfAbsent(o.policy(), k -> new TreeSet<>()).add(d.apiName());
            }
          }
        }
      }
    }
    Map<String, ClusterNetworkPolicy> policies = TieredGraph.byKey(cluster);
    new TreeSet<>(isolatedBy.keySet()).forEach(key -> {
      ClusterNetworkPolicy p = policies.get(key);
      if (p == null || applies.contains(key)) {
        return;
      }
      sink.report(p.suppressedRules(), new Diagnostic(ID, defaultSeverity(), p.source().find("metadata.name"),
          "metadata.name", "metadata.name: this Baseline policy never applies: NetworkPolicies isolate every pod it "
              + "selects in " + String.join(" and ", isolatedBy.get(key)) + ", and their decision is final ("
              + p.key() + ")", List.of()));
    });
  }

  /** The addresses of the nodes the group's pods run on. */
  private static AddressSet nodeAddresses(RuleGraph graph, EndpointGroup g) {
    AddressSet out = AddressSet.EMPTY;
    for (Endpoint e : g.members()) {
      if (e.node().isPresent()) {
        out = out.union(graph.nodeAddresses().getOrDefault(e.node().get(), AddressSet.EMPTY));
      }
    }
    return out;
  }
}
