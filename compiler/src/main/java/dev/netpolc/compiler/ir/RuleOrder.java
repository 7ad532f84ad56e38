package dev.netpolc.compiler.ir;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which rule-language backends emit a group's rules: the graph lists rules in input
 * order, and emitting them in this canonical order makes an artifact independent of the order of
 * the input files and objects. One definition, so that every backend orders alike.
 */
public final class RuleOrder {
  /** By origins (element by element, a prefix first), then peers, ports and priority. */
  private static final Comparator<Rule> WITHIN_RUN = Comparator
      .comparing(Rule::origins, RuleOrder::compareOrigins)
      .thenComparing(Rule::peers).thenComparing(Rule::ports).thenComparingInt(Rule::priority);

  private RuleOrder() {}

  /**
   * The rules with every run of consecutive rules of the same tier and action sorted by origin,
   * then content. Within such a run the first match always takes the same action, so the order
   * cannot change a decision.
   *
   * @param rules one group's rules of one direction, in the graph's order
   * @return a new list of the same rules in canonical order
   */
  public static List<Rule> canonical(List<Rule> rules) {
    List<Rule> out = new ArrayList<>(rules.size());
    int start = 0;
    while (start < rules.size()) {
      int end = start + 1;
      while (end < rules.size() && rules.get(end).tier().equals(rules.get(start).tier())
          && rules.get(end).action() == rules.get(start).action()) {
        end++;
      }
      int from = out.size();
      out.addAll(rules.subList(start, end));
      if (end - start > 1) {
        out.subList(from, out.size()).sort(WITHIN_RUN);
      }
      start = end;
    }
    return out;
  }

  private static int compareOrigins(List<Origin> a, List<Origin> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
