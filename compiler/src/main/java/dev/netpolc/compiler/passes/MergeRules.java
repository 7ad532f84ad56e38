package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Merges rules that differ in only one set. Within a run of consecutive rules of one group and
 * direction with the same tier, priority and action, the first match and any match decide
 * alike, so order inside the run does not matter: rules with equal ports become one rule with
 * the union of their peers, rules with equal peers one rule with the union of their ports,
 * repeated until nothing merges. Runs never merge across a rule of another action, which would
 * change first-match results. Runs of LOG rules are left as they are: each LOG rule logs under
 * its own origins, which a union would blur.
 *
 * <p>A union is a new set; if the sets it replaces are still used by other rules, the graph
 * would render more CIDRs than before. So each run's merge is accepted only when, counting set
 * uses over the whole graph, it renders no more CIDRs and no more port ranges than before.
 * Runs are visited in graph order and the whole sweep repeats until nothing changes, which
 * makes the result deterministic and the pass idempotent.
 */
public final class MergeRules implements Pass {
  private static final int MAX_ROUNDS = 64; // each accepted merge removes a rule; only a guard

  /** Creates the pass; {@link Passes} holds the shared instance. */
  public MergeRules() {}

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
    // Current rules per (group, direction), and how many rules use each set.
    Map<String, List<Rule>> current = new LinkedHashMap<>();
    Map<AddressSet, Integer> addrUses = new HashMap<>();
    Map<PortSet, Integer> portUses = new HashMap<>();
    for (EndpointGroup g : graph.groups()) {
      for (Direction d : Direction.values()) {
        List<Rule> rs = new ArrayList<>(graph.rules(g.id(), d));
        current.put(g.id() + "\u0000" + d, rs);
        for (Rule r : rs) {
          addrUses.merge(r.peers(), 1, Integer::sum);
          portUses.merge(r.ports(), 1, Integer::sum);
        }
      }
    }
    // A run rejected in one round is offered again in the next: merge it only once.
    Map<List<Rule>, List<Rule>> memo = new HashMap<>();
    boolean changedAny = false;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      boolean changed = false;
      for (Map.Entry<String, List<Rule>> e : current.entrySet()) {
        List<Rule> rules = e.getValue();
        List<Rule> out = new ArrayList<>(rules.size());
        int start = 0;
        while (start < rules.size()) {
          int end = start + 1;
          while (end < rules.size() && rules.get(end).sameRun(rules.get(start))) {
            end++;
          }
          List<Rule> run = rules.subList(start, end);
          // LOG rules are never merged: a merged rule would log one rule's connections under the other's origins too.
          boolean mergeable = run.size() > 1 && run.get(0).action().terminates();
          List<Rule> merged = mergeable ? memo.computeIfAbsent(List.copyOf(run), MergeRules::mergeRun) : run;
          if (merged.size() < run.size() && accept(run, merged, addrUses, portUses)) {
            out.addAll(merged);
            changed = true;
          } else {
            out.addAll(run);
          }
          start = end;
        }
        e.setValue(out);
      }
      if (!changed) {
        break;
      }
      changedAny = true;
    }
    if (!changedAny) {
      return graph;
    }
    RuleGraph.Builder b = graph.toBuilderWithoutRules();
    current.values().forEach(rs -> rs.forEach(b::addRule));
    return b.build();
  }

  /** Applies the use-count change of replacing {@code run} by {@code merged} if it adds no elements. */
  private static boolean accept(List<Rule> run, List<Rule> merged, Map<AddressSet, Integer> addrUses,
      Map<PortSet, Integer> portUses) {
    Map<AddressSet, Integer> addrDelta = new HashMap<>();
    Map<PortSet, Integer> portDelta = new HashMap<>();
    for (Rule r : run) {
      addrDelta.merge(r.peers(), -1, Integer::sum);
      portDelta.merge(r.ports(), -1, Integer::sum);
    }
    for (Rule r : merged) {
      addrDelta.merge(r.peers(), 1, Integer::sum);
      portDelta.merge(r.ports(), 1, Integer::sum);
    }
    if (elementChange(addrDelta, addrUses, AddressSet::elementCount) > 0
        || elementChange(portDelta, portUses, PortSet::elementCount) > 0) {
      return false;
    }
    addrDelta.forEach((s, dlt) -> addrUses.merge(s, dlt, Integer::sum));
    portDelta.forEach((s, dlt) -> portUses.merge(s, dlt, Integer::sum));
    return true;
  }

  /** Elements added by sets that come into use minus elements of sets that fall out of use. */
  private static <S> int elementChange(Map<S, Integer> delta, Map<S, Integer> uses, Function<S, Integer> size) {
    int change = 0;
    for (Map.Entry<S, Integer> e : delta.entrySet()) {
      int before = uses.getOrDefault(e.getKey(), 0);
      int after = before + e.getValue();
      if (before == 0 && after > 0) {
        change += size.apply(e.getKey());
      } else if (before > 0 && after == 0) {
        change -= size.apply(e.getKey());
      }
    }
    return change;
  }

  private static List<Rule> mergeRun(List<Rule> run) {
    List<Rule> cur = new ArrayList<>(run);
    for (int round = 0; round < MAX_ROUNDS && cur.size() > 1; round++) {
      List<Rule> next = mergeBy(cur, r -> r.ports().canonical(),
          same -> same.get(0).withPeers(AddressSet.unionAll(same.stream().map(Rule::peers).toList())));
      next = mergeBy(next, r -> r.peers().ranges(), same -> {
        PortSet ports = PortSet.EMPTY;
        for (Rule r : same) {
          ports = ports.union(r.ports());
        }
        return same.get(0).withPorts(ports);
      });
      if (next.size() == cur.size()) {
        break;
      }
      cur = next;
    }
    return cur;
  }

  private static List<Rule> mergeBy(List<Rule> rules, Function<Rule, Object> key, Function<List<Rule>, Rule> combine) {
    Map<Object, List<Rule>> byKey = new LinkedHashMap<>();
    for (Rule r : rules) {
      byKey.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
    }
    if (byKey.size() == rules.size()) {
      return rules;
    }
    List<Rule> out = new ArrayList<>();
    for (List<Rule> same : byKey.values()) {
      if (same.size() == 1) {
        out.add(same.get(0));
        continue;
      }
      List<Origin> origins = new ArrayList<>();
      same.forEach(r -> origins.addAll(r.origins()));
      out.add(combine.apply(same).withOrigins(origins));
    }
    return out;
  }
}
