package dev.netpolc.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes label selector. All {@code matchLabels} pairs and all {@code matchExpressions}
 * must hold; the empty selector matches everything. An <em>absent</em> selector is modelled as
 * {@code null}/{@link java.util.Optional#empty()} by its holder, never as this type.
 *
 * @param matchLabels      required key/value pairs (sorted, for determinism)
 * @param matchExpressions set-based requirements, in input order
 */
public record LabelSelector(Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {

  /** The selector that matches everything ({@code {}}). */
  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

  public LabelSelector {
    matchLabels = ImmutableSortedMap.copyOf(matchLabels);
    matchExpressions = ImmutableList.copyOf(matchExpressions);
  }

  /** A selector of {@code matchLabels} only. */
  public static LabelSelector ofLabels(Map<String, String> labels) {
    return new LabelSelector(labels, List.of());
  }

  /** True when the selector has no requirement at all and so matches every label set. */
  public boolean isEmpty() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }

  /** True when {@code labels} satisfy every requirement. */
  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement r : matchExpressions) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** The kubectl form ({@code app=web,tier in (a,b),!legacy}); {@code <all>} for the empty selector. */
  @Override
  public String toString() {
    if (isEmpty()) {
      return "<all>";
    }
    StringBuilder sb = new StringBuilder();
    matchLabels.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    for (LabelSelectorRequirement r : matchExpressions) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      LabelSelectorRequirement.Operator op = r.op();
      if (op == null) {
        sb.append(r.key()).append(' ').append(r.operator()).append(' ').append(r.values());
      } else if (op == LabelSelectorRequirement.Operator.Exists) {
        sb.append(r.key());
      } else if (op == LabelSelectorRequirement.Operator.DoesNotExist) {
        sb.append('!').append(r.key());
      } else if (r.values().equals(List.of(""))) {
        // "k in ()" does not parse (a list needs a value); "k!=" and "k=" after "k=v" are the
        // kubectl forms that read back as these requirements.
        sb.append(r.key()).append(op == LabelSelectorRequirement.Operator.In ? "=" : "!=");
      } else {
        sb.append(r.key()).append(op == LabelSelectorRequirement.Operator.In ? " in (" : " notin (")
            .append(String.join(",", r.values())).append(')');
      }
    }
    return sb.toString();
  }
}
