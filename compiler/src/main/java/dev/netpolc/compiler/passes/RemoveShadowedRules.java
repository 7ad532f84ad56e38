package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops rules that can never be the first match of their tier: a rule whose peers and ports are
 * both contained in those of an earlier rule of the same group, direction and tier. (Whatever
 * the earlier rule's action, it decides first; for the additive NetworkPolicy tier this removes
 * duplicates and rules subsumed by broader ones.) A LOG rule never shadows anything, as evaluation
 * continues past it; a LOG rule shadowed by an earlier ALLOW, DENY or PASS never logs and goes.
 */
public final class RemoveShadowedRules implements Pass {
  /** Creates the pass; {@link Passes} holds the shared instance. */
  public RemoveShadowedRules() {}

  @Override
  public String name() {
    return "remove-shadowed";
  }

  @Override
  public String description() {
    return "drop rules covered by an earlier rule of the same tier";
  }

  @Override
  public RuleGraph apply(RuleGraph graph) {
    RuleGraph.Builder b = graph.toBuilderWithoutRules();
    boolean changed = false;
    for (EndpointGroup g : graph.groups()) {
      for (Direction d : Direction.values()) {
        List<Rule> kept = new ArrayList<>();
        for (Rule r : graph.rules(g.id(), d)) {
          if (shadowed(r, kept)) {
            changed = true;
          } else {
            kept.add(r);
          }
        }
        kept.forEach(b::addRule);
      }
    }
    return changed ? b.build() : graph;
  }

  private static boolean shadowed(Rule r, List<Rule> earlier) {
    for (int i = earlier.size() - 1; i >= 0; i--) {
      Rule e = earlier.get(i);
      if (!e.tier().equals(r.tier())) {
        return false; // rules are sorted by tier: no earlier rule of this tier remains
      }
      if (e.action().terminates() && e.ports().containsAll(r.ports()) && e.peers().containsAll(r.peers())) {
        return true;
      }
    }
    return false;
  }
}
