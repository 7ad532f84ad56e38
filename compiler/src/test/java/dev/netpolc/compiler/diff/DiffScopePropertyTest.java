package dev.netpolc.compiler.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.TieredClusterGen;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A scoped diff ({@link DiffScope}: sources from some namespaces, destinations from others) is
 * the whole diff's slice: pair by pair, the same change on the same ports. And its budgets refuse
 * exactly the diffs that exceed them.
 */
class DiffScopePropertyTest {

  @Test
  void aScopedDiffIsTheSliceOfTheWholeDiff() {
    qt().withExamples(200).withShrinkCycles(100)
        .forAll(ClusterGen.clusters(), ClusterGen.clusters(), integers().between(0, 299),
            integers().between(0, 1 << 12))
        .checkAssert((c, donor, howAndPick, mask) -> {
          // A policy added, removed or replaced (how = howAndPick % 3), as in PolicyDiffPropertiesTest.
          Cluster changed = c.withPolicies(PolicyDiffPropertiesTest.mutate(c.policies(), donor.policies(),
              howAndPick % 3, howAndPick / 3));
          checkSlice(c, changed, mask);
        });
  }

  @Test
  void aScopedDiffIsTheSliceOfTheWholeDiffWithTieredPolicies() {
    qt().withExamples(100).withShrinkCycles(100)
        .forAll(TieredClusterGen.clusters(), TieredClusterGen.clusters(), integers().between(0, 1 << 12))
        .checkAssert((c, donor, mask) -> checkSlice(c, donor.withPolicies(c.policies()), mask));
  }

  @Test
  void theBlockBudgetRefusesExactlyTheDiffsThatCollectMore() {
    qt().withExamples(100)
        .forAll(ClusterGen.clusters(), ClusterGen.clusters(), integers().between(1, 6))
        .checkAssert((c, donor, budget) -> {
          Cluster changed = c.withPolicies(donor.policies());
          DiffScope scope = DiffScope.ALL.withBudgets(Long.MAX_VALUE, budget);
          DiffResult whole = PolicyDiff.compute(c, c, changed, SemanticsOptions.DEFAULTS);
          int blocks = whole.newlyAllowed().size() + whole.newlyDenied().size();
          try {
            DiffResult bounded = PolicyDiff.compute(c, c, changed, SemanticsOptions.DEFAULTS, scope);
            assertThat(changes(bounded)).isEqualTo(changes(whole));
          } catch (DiffTooLargeException e) {
            // Blocks are merged rectangles: a refusal means more rectangles than the budget, so at
            // least as many as the merged blocks could be, and never a refusal of an empty diff.
            assertThat(e.budget()).isEqualTo(DiffTooLargeException.Budget.BLOCKS);
            assertThat(e.count()).isGreaterThan(budget);
            assertThat(blocks).isPositive();
          }
          if (blocks > budget) {
            assertThatThrownBy(() -> PolicyDiff.compute(c, c, changed, SemanticsOptions.DEFAULTS, scope))
                .isInstanceOf(DiffTooLargeException.class);
          }
        });
  }

  @Test
  void identicalPoliciesNeedNoClassPairAtAll() {
    // Nothing changed on any side: not one class pair to decide, so even a budget of one passes.
    qt().withExamples(100).forAll(ClusterGen.clusters()).checkAssert(c ->
        assertThat(PolicyDiff.compute(c, c, c, SemanticsOptions.DEFAULTS, DiffScope.ALL.withBudgets(1, 1))
            .isEmpty()).isTrue());
  }

  @Test
  void theClassPairBudgetIsTheCountItReports() {
    qt().withExamples(100)
        .forAll(ClusterGen.clusters(), ClusterGen.clusters())
        .checkAssert((c, donor) -> {
          Cluster changed = c.withPolicies(donor.policies());
          DiffResult whole = PolicyDiff.compute(c, c, changed, SemanticsOptions.DEFAULTS);
          if (whole.isEmpty()) {
            return;
          }
          // A change needs at least one class pair decided, so a budget of zero pairs cannot pass;
          // the smallest budget is one, so compare with the count the refusal reports.
          try {
            PolicyDiff.compute(c, c, changed, SemanticsOptions.DEFAULTS, DiffScope.ALL.withBudgets(1, Long.MAX_VALUE));
          } catch (DiffTooLargeException e) {
            assertThat(e.budget()).isEqualTo(DiffTooLargeException.Budget.CLASS_PAIRS);
            assertThat(e.count()).isGreaterThan(1);
            DiffResult exact = PolicyDiff.compute(c, c, changed, SemanticsOptions.DEFAULTS,
                DiffScope.ALL.withBudgets(e.count(), Long.MAX_VALUE));
            assertThat(changes(exact)).isEqualTo(changes(whole));
            assertThatThrownBy(() -> PolicyDiff.compute(c, c, changed, SemanticsOptions.DEFAULTS,
                DiffScope.ALL.withBudgets(e.count() - 1, Long.MAX_VALUE))).isInstanceOf(DiffTooLargeException.class);
          }
        });
  }

  /** Sources from the namespaces of the mask's low bits, destinations from its next bits; empty means all. */
  private static void checkSlice(Cluster c, Cluster changed, int mask) {
    List<String> namespaces = new ArrayList<>(new TreeSet<>(c.pods().stream().map(Pod::namespace).toList()));
    Set<String> from = pickNamespaces(namespaces, mask);
    Set<String> to = pickNamespaces(namespaces, mask >>> 6);
    Predicate<Pod> sources = p -> from.isEmpty() || from.contains(p.namespace());
    Predicate<Pod> destinations = p -> to.isEmpty() || to.contains(p.namespace());
    DiffResult whole = PolicyDiff.compute(c, c, changed, SemanticsOptions.DEFAULTS);
    DiffResult scoped = PolicyDiff.compute(c, c, changed, SemanticsOptions.DEFAULTS,
        DiffScope.ALL.between(sources, destinations));
    Map<List<String>, PortSpace> expected = new TreeMap<>(PAIR_ORDER);
    changes(whole).forEach((k, v) -> {
      if ((from.isEmpty() || from.contains(namespaceOf(k.get(1)))) && (to.isEmpty()
          || to.contains(namespaceOf(k.get(2))))) {
        expected.put(k, v);
      }
    });
    assertThat(changes(scoped)).isEqualTo(expected);
  }

  private static Set<String> pickNamespaces(List<String> namespaces, int bits) {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < namespaces.size() && i < 6; i++) {
      if ((bits & (1 << i)) != 0) {
        out.add(namespaces.get(i));
      }
    }
    return out;
  }

  private static String namespaceOf(String podKey) {
    return podKey.substring(0, podKey.indexOf('/'));
  }

  private static final java.util.Comparator<List<String>> PAIR_ORDER = (a, b) -> {
    for (int i = 0; i < 3; i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  };

  /** (change, source, destination) → the ports on which that pair changed that way; each pair is in one block per change. */
  private static Map<List<String>, PortSpace> changes(DiffResult r) {
    Map<List<String>, PortSpace> out = new TreeMap<>(PAIR_ORDER);
    for (Change change : Change.values()) {
      for (ChangeBlock b : r.blocks(change)) {
        for (String s : b.sources()) {
          for (String d : b.destinations()) {
            if (!s.equals(d)) {
              PortSpace previous = out.put(List.of(change.name(), s, d), b.ports());
              assertThat(previous).as("%s %s -> %s in two blocks", change, s, d).isNull();
            }
          }
        }
      }
    }
    return out;
  }
}
