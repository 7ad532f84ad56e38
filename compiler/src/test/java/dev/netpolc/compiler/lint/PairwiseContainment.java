package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.Rule;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The oracle for {@link ContainmentAnalysis}'s per-group work (and, without an inventory, its
 * per-namespace work): the algorithm before rules were grouped into classes, comparing every
 * rule with every other and listing each rule's holders outright. Quadratic, so for small
 * generated clusters only.
 */
final class PairwiseContainment {
  private PairwiseContainment() {}

  /** The analysis of {@code cluster}'s groups, rule by rule. */
  static ContainmentAnalysis of(dev.netpolc.model.Cluster cluster) {
    return new ContainmentAnalysis(cluster, PairwiseContainment::analyse, ContainmentAnalysis::analyseNamespacePairwise);
  }

  private static void analyse(ContainmentAnalysis into, EndpointGroup group,
      List<Map.Entry<Origin, List<Rule>>> entries) {
    for (int k = 0; k < entries.size(); k++) {
      Origin o = entries.get(k).getKey();
      ContainmentAnalysis.RuleFacts f = into.countGroup(o, group);
      Origin first = null;
      Origin firstOther = null;
      Set<String> holders = new TreeSet<>();
      for (int m = 0; m < entries.size(); m++) {
        if (m == k || !contains(entries.get(m).getValue(), entries.get(k).getValue())) {
          continue;
        }
        // Entries are in origin order: m > k is a later rule.
        if (m > k && contains(entries.get(k).getValue(), entries.get(m).getValue())) {
          continue; // equal rules: only the later one is the duplicate
        }
        Origin o2 = entries.get(m).getKey();
        first = first == null ? o2 : first;
        holders.add(o2.policy());
        if (firstOther == null && !o2.policy().equals(o.policy())) {
          firstOther = o2;
        }
      }
      ContainmentAnalysis.record(f, first, firstOther, ContainmentAnalysis.Holders.of(holders));
    }
  }

  /** True when every IR rule of {@code inner} lies, peers and ports, within one of {@code outer}. */
  private static boolean contains(List<Rule> outer, List<Rule> inner) {
    return inner.stream().allMatch(r -> outer.stream()
        .anyMatch(s -> s.ports().containsAll(r.ports()) && s.peers().containsAll(r.peers())));
  }
}
