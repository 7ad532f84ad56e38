package dev.netpolc.model.yaml;

import com.google.common.collect.ImmutableSet;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Binds a {@code metav1.LabelSelector} mapping, recording positions; shared by the NetworkPolicy
 * and the cluster policy binders. Keys other than {@code matchLabels} and
 * {@code matchExpressions} are refused (NP011).
 */
final class SelectorBinder {
  private static final Set<String> SELECTOR = ImmutableSet.of("matchLabels", "matchExpressions");
  private static final Set<String> REQUIREMENT = ImmutableSet.of("key", "operator", "values");

  private SelectorBinder() {}

  /** The selector at {@code path}: the mapping {@code sel}, already known to be one. */
  static LabelSelector bind(Fields f, YNode.YMap sel, String path) {
    f.onlyKnown(sel, path, SELECTOR);
    String exprPath = path + ".matchExpressions";
    YNode.YList exprs = f.list(sel, "matchExpressions", exprPath);
    List<LabelSelectorRequirement> reqs = new ArrayList<>();
    if (exprs != null) {
      for (int i = 0; i < exprs.items().size(); i++) {
        String p = exprPath + "[" + i + "]";
        YNode item = exprs.items().get(i);
        f.recordItem(item, p);
        YNode.YMap r = f.asMap(item, p);
        f.onlyKnown(r, p, REQUIREMENT);
        String k = f.string(r, "key", p + ".key");
        String op = f.string(r, "operator", p + ".operator");
        // Absent key or operator stay "" so that validation reports them (NP105) with a position.
        reqs.add(new LabelSelectorRequirement(k == null ? "" : k, op == null ? "" : op,
            f.stringList(r, "values", p + ".values")));
      }
    }
    return new LabelSelector(f.stringMap(sel, "matchLabels", path + ".matchLabels"), reqs);
  }
}
