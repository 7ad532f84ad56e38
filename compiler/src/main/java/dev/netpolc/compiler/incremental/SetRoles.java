package dev.netpolc.compiler.incremental;

import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
  /** The base of every rule of the graph, by identity: a backend asks for it several times per rule. */
  private final Map<Rule, String> bases;

  private SetRoles(Set<String> ambiguous, ImmutableSortedSet<String> keys, Map<Rule, String> bases) {
    this.ambiguous = ambiguous;
    this.keys = keys;
    this.bases = bases;
  }

  /** The roles of every rule of {@code graph}. */
  public static SetRoles of(RuleGraph graph) {
    List<Rule> rules = graph.rules();
    Map<Rule, String> bases = new IdentityHashMap<>(rules.size());
    // A base is ambiguous when its rules have more than one content: compare each with the first.
    Map<String, List<AddressRange>> firstContent = new HashMap<>();
    Set<String> ambiguous = new HashSet<>();
    for (Rule r : rules) {
      String b = bases.computeIfAbsent(r, SetRoles::base);
      List<AddressRange> content = r.peers().ranges();
      List<AddressRange> first = firstContent.putIfAbsent(b, content);
      if (first != null && first != content && !ambiguous.contains(b) && !first.equals(content)) {
        ambiguous.add(b);
      }
    }
    SetRoles partial = new SetRoles(ambiguous, ImmutableSortedSet.of(), bases);
    String[] all = new String[rules.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = partial.key(rules.get(i));
    }
    return new SetRoles(ambiguous, ImmutableSortedSet.copyOf(all), bases);
  }

  /** The origins of a rule as text: what its set comments show; the role unless ambiguous. */
  public static String base(Rule r) {
    if (r.origins().isEmpty()) {
      return "no recorded origin";
    }
    if (r.origins().size() == 1) {
      return r.origins().get(0).toString();
    }
    return r.origins().stream().map(Origin::toString).collect(Collectors.joining(", "));
  }

  /** {@link #base(Rule)}, computed once for each rule of the graph this was made from. */
  public String baseOf(Rule r) {
    String b = bases.get(r);
    return b != null ? b : base(r);
  }

  /** The key of {@code r}'s peer set: its base, plus its content when the base is ambiguous. */
  public String key(Rule r) {
    String b = baseOf(r);
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
