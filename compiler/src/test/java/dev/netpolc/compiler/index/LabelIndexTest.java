package dev.netpolc.compiler.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The index selects exactly what {@link LabelSelector#matches} selects, for every operator. */
class LabelIndexTest {
  private static final List<String> KEYS = List.of("app", "tier", "env");
  private static final List<String> VALUES = List.of("a", "b", "c");

  private static Gen<Map<String, String>> labels() {
    return lists().of(integers().between(0, 8)).ofSizeBetween(0, 3).map(codes -> {
      Map<String, String> m = new TreeMap<>();
      codes.forEach(c -> m.put(KEYS.get(c / 3), VALUES.get(c % 3)));
      return m;
    });
  }

  private static Gen<LabelSelector> selectors() {
    Gen<LabelSelectorRequirement> req = integers().between(0, 3).zip(integers().between(0, 2),
        integers().between(0, 3), (op, key, vals) -> {
          LabelSelectorRequirement.Operator o = LabelSelectorRequirement.Operator.values()[op];
          boolean needsValues = o == LabelSelectorRequirement.Operator.In || o == LabelSelectorRequirement.Operator.NotIn;
          List<String> values = needsValues ? VALUES.subList(0, 1 + vals % 3) : List.of();
          return new LabelSelectorRequirement(KEYS.get(key), o.name(), values);
        });
    return labels().zip(lists().of(req).ofSizeBetween(0, 2), LabelSelector::new);
  }

  @Test
  void selectMatchesBruteForce() {
    qt().withExamples(500).forAll(lists().of(labels()).ofSizeBetween(0, 12), selectors()).checkAssert((items, sel) -> {
      LabelIndex index = new LabelIndex(items);
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        if (sel.matches(items.get(i))) {
          expected.add(i);
        }
      }
      assertThat(index.select(sel)).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
      int[] evens = java.util.stream.IntStream.range(0, items.size()).filter(i -> i % 2 == 0).toArray();
      assertThat(index.select(sel, evens))
          .containsExactly(expected.stream().filter(i -> i % 2 == 0).mapToInt(Integer::intValue).toArray());
    });
  }

  @Test
  void anUnknownOperatorSelectsNothing() {
    LabelIndex index = new LabelIndex(List.of(Map.of("app", "a")));
    assertThat(index.select(new LabelSelector(Map.of(), List.of(new LabelSelectorRequirement("app", "Like",
        List.of("a")))))).isEmpty();
  }
}
