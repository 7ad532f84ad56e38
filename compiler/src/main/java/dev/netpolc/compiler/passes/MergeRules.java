package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.GraphSize;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Merges rules that differ in only one set. Within a run of consecutive rules of one group and
 * direction with the same tier, priority and action, the first match and any match decide
 * alike, so order inside the run does not matter: rules with equal ports become one rule with
 * the union of their peers, rules with equal peers one rule with the union of their ports,
 * repeated until nothing merges. Runs never merge across a rule of another action, which would
 * change first-match results. If the merged sets would make the graph render more CIDRs or port
 * ranges than before (a set shared with other rules survives beside the union), the pass
 * leaves the graph unchanged.
 */
public final class MergeRules implements Pass {
  private static final int MAX_ROUNDS = 64; // each round removes a rule, so this is only a guard

  @Override
  public String name() {
    return "merge-rules";
  }

  @Override
  public String description() {
    return "merge rules of one run that share their ports (union peers) or their peers (union ports)";
  }

  @Override
  public RuleGraph apply(RuleGraph graph) {
    RuleGraph.Builder b = graph.toBuilderWithoutRules();
    boolean changed = false;
    for (EndpointGroup g : graph.groups()) {
      for (Direction d : Direction.values()) {
        List<Rule> rules = graph.rules(g.id(), d);
        int start = 0;
        while (start < rules.size()) {
          int end = start + 1;
          while (end < rules.size() && rules.get(end).sameRun(rules.get(start))) {
            end++;
          }
          List<Rule> merged = mergeRun(rules.subList(start, end));
          changed |= merged.size() != end - start;
          merged.forEach(b::addRule);
          start = end;
        }
      }
    }
    if (!changed) {
      return graph;
    }
    RuleGraph out = b.build();
    GraphSize before = graph.size();
    GraphSize after = out.size();
    if (after.addressElements() > before.addressElements() || after.portRanges() > before.portRanges()) {
      return graph;
    }
    return out;
  }

  private static List<Rule> mergeRun(List<Rule> run) {
    List<Rule> cur = new ArrayList<>(run);
    for (int round = 0; round < MAX_ROUNDS && cur.size() > 1; round++) {
      List<Rule> next = mergeBy(cur, r -> r.ports().canonical(), (a, c) -> a.withPeers(a.peers().union(c.peers())));
      next = mergeBy(next, r -> r.peers().ranges(), (a, c) -> a.withPorts(a.ports().union(c.ports())));
      if (next.size() == cur.size()) {
        break;
      }
      cur = next;
    }
    return cur;
  }

  private static List<Rule> mergeBy(List<Rule> rules, Function<Rule, Object> key, BinaryOperator<Rule> combine) {
    Map<Object, List<Rule>> byKey = new LinkedHashMap<>();
    for (Rule r : rules) {
      byKey.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
    }
    if (byKey.size() == rules.size()) {
      return rules;
    }
    List<Rule> out = new ArrayList<>();
    for (List<Rule> same : byKey.values()) {
      Rule acc = same.get(0);
      List<Origin> origins = new ArrayList<>(acc.origins());
      for (int i = 1; i < same.size(); i++) {
        acc = combine.apply(acc, same.get(i));
        origins.addAll(same.get(i).origins());
      }
      out.add(acc.withOrigins(origins));
    }
    return out;
  }
}
