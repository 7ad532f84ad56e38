package dev.netpolc.compiler.build;

import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Groups pods by their lowered rules, for the dialects that lower rules per pod (Calico,
 * Cilium): pods with equal rules in both directions form one endpoint group, in the order of
 * their first pod, and the group's rules are added with it as subject.
 */
final class RuleGroups {
  private RuleGroups() {}

  /**
   * Adds the groups and rules of {@code podIds} (policy pod ids, ascending) to {@code b};
   * {@code rulesFor} gives a pod's rules in one direction with a blank subject.
   */
  static void build(RuleGraph.Builder b, ClusterIndex index, int[] podIds,
      BiFunction<Integer, Direction, List<Rule>> rulesFor) {
    Map<List<List<Rule>>, List<Integer>> byRules = new LinkedHashMap<>();
    for (int id : podIds) {
      List<List<Rule>> key = List.of(rulesFor.apply(id, Direction.INGRESS), rulesFor.apply(id, Direction.EGRESS));
      byRules.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
    }
    List<Pod> pods = index.pods();
    byRules.forEach((rules, ids) -> {
      List<Endpoint> endpoints = new ArrayList<>();
      for (int i : ids) {
        Pod p = pods.get(i);
        endpoints.add(new Endpoint(p.key(), index.ips(i), Optional.ofNullable(p.nodeName())));
      }
      EndpointGroup g = EndpointGroup.of(endpoints, false, false);
      b.addGroup(g);
      for (List<Rule> rs : rules) {
        for (Rule r : rs) {
          b.addRule(r.withSubject(g.id()));
        }
      }
    });
  }
}
