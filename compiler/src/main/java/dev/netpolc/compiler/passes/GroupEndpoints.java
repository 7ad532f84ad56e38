package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges endpoint groups whose isolation and rule lists (ignoring the subject) are identical,
 * so that equal treatment costs one chain. The merged group keeps the smallest id.
 */
public final class GroupEndpoints implements Pass {
  /** Creates the pass; {@link Passes} holds the shared instance. */
  public GroupEndpoints() {}

  @Override
  public String name() {
    return "group-endpoints";
  }

  @Override
  public String description() {
    return "merge endpoint groups with identical isolation and rule lists";
  }

  @Override
  public RuleGraph apply(RuleGraph graph) {
    Map<List<Object>, List<EndpointGroup>> byTreatment = new LinkedHashMap<>();
    for (EndpointGroup g : graph.groups()) {
      List<Object> key = List.of(g.ingressIsolated(), g.egressIsolated(),
          bodies(graph.rules(g.id(), Direction.INGRESS)), bodies(graph.rules(g.id(), Direction.EGRESS)));
      byTreatment.computeIfAbsent(key, k -> new ArrayList<>()).add(g);
    }
    if (byTreatment.size() == graph.groups().size()) {
      return graph;
    }
    RuleGraph.Builder b = RuleGraph.builder(graph.options()).node(graph.node());
    graph.nodeAddresses().forEach(b::nodeAddresses);
    for (List<EndpointGroup> same : byTreatment.values()) {
      EndpointGroup first = same.get(0); // groups are sorted by id, so this id is the smallest
      List<Endpoint> members = new ArrayList<>();
      same.forEach(g -> members.addAll(g.members()));
      EndpointGroup merged = new EndpointGroup(first.id(), members, first.ingressIsolated(), first.egressIsolated());
      b.addGroup(merged);
      graph.rules(first.id(), Direction.INGRESS).forEach(b::addRule);
      graph.rules(first.id(), Direction.EGRESS).forEach(b::addRule);
    }
    return b.build();
  }

  private static List<Rule> bodies(List<Rule> rules) {
    List<Rule> out = new ArrayList<>(rules.size());
    for (Rule r : rules) {
      out.add(r.withSubject(""));
    }
    return out;
  }
}
