package dev.netpolc.compiler.incremental;

import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The role of a rule's peer set: the policy rules it implements ({@code ns/np ingress[0], ...}).
 * A backend that names peer sets by role (not by content) keeps a set's name when its content
 * changes, so a pod event becomes element additions and deletions on the same set. When one
 * role has several different contents in a graph (an egress rule with named ports is split by
 * resolved port), each such set's key also carries its content, so keys stay unique.
 *
 * <pre>{@code
 * SetRoles roles = SetRoles.of(graph);
 * String key = roles.key(rule); // e.g. "prod/db ingress[0]"
 * }</pre>
 */
public final class SetRoles {
  private final Set<String> ambiguous;
  private final ImmutableSortedSet<String> keys;

  private SetRoles(Set<String> ambiguous, ImmutableSortedSet<String> keys) {
    this.ambiguous = ambiguous;
    this.keys = keys;
  }

  /** The roles of every rule of {@code graph}. */
  public static SetRoles of(RuleGraph graph) {
    Map<String, Set<List<AddressRange>>> contents = new HashMap<>();
    for (Rule r : graph.rules()) {
      contents.computeIfAbsent(base(r), k -> new HashSet<>()).add(r.peers().ranges());
    }
    Set<String> ambiguous = new HashSet<>();
    contents.forEach((b, cs) -> {
      if (cs.size() > 1) {
        ambiguous.add(b);
      }
    });
    SetRoles partial = new SetRoles(ambiguous, ImmutableSortedSet.of());
    ImmutableSortedSet<String> keys = graph.rules().stream().map(partial::key)
        .collect(ImmutableSortedSet.toImmutableSortedSet(String::compareTo));
    return new SetRoles(ambiguous, keys);
  }

  /** The origins of a rule as text: what its set comments show; the role unless ambiguous. */
  public static String base(Rule r) {
    if (r.origins().isEmpty()) {
      return "no recorded origin";
    }
    return r.origins().stream().map(Origin::toString).collect(Collectors.joining(", "));
  }

  /** The key of {@code r}'s peer set: its base, plus its content when the base is ambiguous. */
  public String key(Rule r) {
    String b = base(r);
    return ambiguous.contains(b) ? b + " = " + r.peers().cidrs() : b;
  }

  /** True when {@code base} names sets of different contents in this graph. */
  public boolean ambiguous(String base) {
    return ambiguous.contains(base);
  }

  /** Every key, sorted. */
  public ImmutableSortedSet<String> keys() {
    return keys;
  }
}
