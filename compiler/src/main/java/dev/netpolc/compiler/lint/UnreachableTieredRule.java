package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintContext;
import dev.netpolc.model.lint.LintSink;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * NP258: an Admin- or Baseline-tier rule that never decides anything, because for every pod its
 * policy selects, one rule that comes before it in the same tier (an earlier rule of the same
 * policy, or a rule of a policy of higher precedence) matches every connection it matches. The
 * earlier rule's action decides instead, whatever it is (an Admin {@code Deny} or {@code Pass} in
 * front of a narrower {@code Accept} is the usual slip). Read off the pods of the inventory.
 */
public final class UnreachableTieredRule extends CompilerRule {
  /** The rule id. */
  public static final String ID = "NP258";

  /** The rule. */
  public UnreachableTieredRule() {
    super(ID, Severity.WARNING, "an Admin or Baseline rule is unreachable: an earlier rule of its tier matches "
        + "everything it matches", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    Cluster cluster = context.cluster();
    if (!cluster.hasTieredPolicies()) {
      return;
    }
    Optional<RuleGraph> graph = TieredGraph.of(context);
    if (graph.isEmpty()) {
      return;
    }
    // Per policy rule (origin): whether it appeared, whether it was ever reachable, and what covered it.
    Set<Origin> seen = new HashSet<>();
    Set<Origin> reachable = new HashSet<>();
    Map<Origin, TreeSet<Origin>> coveredBy = new HashMap<>();
    for (EndpointGroup g : graph.get().groups()) {
      for (Direction d : Direction.values()) {
        List<Rule> rules = graph.get().rules(g.id(), d);
        for (int i = 0; i < rules.size(); i++) {
          Rule r = rules.get(i);
          if (r.tier() == Tier.NETWORK_POLICY || r.origins().size() != 1) {
            continue;
          }
          Origin o = r.origins().get(0);
          seen.add(o);
          Optional<Rule> cover = Optional.empty();
          for (int j = 0; j < i && cover.isEmpty(); j++) {
            Rule e = rules.get(j);
            // A LOG rule covers nothing: evaluation goes on past it.
            if (e.tier().equals(r.tier()) && e.action().terminates() && !e.origins().contains(o) && e.peers().containsAll(r.peers())
                && e.ports().containsAll(r.ports())) {
              cover = Optional.of(e);
            }
          }
          if (cover.isEmpty()) {
            reachable.add(o);
          } else {
            coveredBy.computeIfAbsent(o, k -> new TreeSet<>()).addAll(cover.get().origins());
          }
        }
      }
    }
    Map<String, ClusterNetworkPolicy> policies = TieredGraph.byKey(cluster);
    Map<Origin, TreeSet<Origin>> unreachable = new TreeMap<>();
    for (Origin o : seen) {
      if (!reachable.contains(o)) {
        unreachable.put(o, coveredBy.get(o));
      }
    }
    unreachable.forEach((o, covers) -> {
      ClusterNetworkPolicy p = policies.get(o.policy());
      if (p == null) {
        return;
      }
      String path = "spec." + o.direction().apiName() + "[" + o.ruleIndex() + "]";
      List<Diagnostic.Related> related = new ArrayList<>();
      covers.forEach(c -> related.add(new Diagnostic.Related(c.position(), "matches first: " + c)));
      List<String> names = covers.stream().map(Origin::toString).toList();
      sink.report(p.suppressedRules(), new Diagnostic(ID, defaultSeverity(), p.source().find(path), path,
          path + ": this rule never decides: for every pod the policy selects, an earlier rule of its tier ("
              + sample(names) + ") matches every connection it matches (" + p.key() + ")", related));
    });
  }
}
