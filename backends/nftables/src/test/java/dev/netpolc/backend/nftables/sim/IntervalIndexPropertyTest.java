package dev.netpolc.backend.nftables.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The interval index finds exactly what a linear scan over the elements finds. */
class IntervalIndexPropertyTest {

  /** Component value universes: tiny (many overlaps), port-sized, and a full IPv4 space. */
  private static final long[] UNIVERSES = {16, 1 << 16, 1L << 32};

  @Test
  void lookupAgreesWithBruteForce() {
    qt().withExamples(200).withFixedSeed(20261128L)
        .forAll(integers().between(1, 3), integers().between(1, 2000), longs().all())
        .checkAssert((arity, size, seed) -> {
          // Budgets: none (every component unindexed, linear scan), tight (some unindexed), default.
          long[] budgets = {0, 4L * size, IntervalIndex.defaultBudget(size)};
          Random r = new Random(seed);
          long[] universe = new long[arity];
          for (int c = 0; c < arity; c++) {
            universe[c] = UNIVERSES[r.nextInt(UNIVERSES.length)];
          }
          List<SetElement> elements = new ArrayList<>();
          for (int i = 0; i < size; i++) {
            ImmutableList.Builder<KeyRange> key = ImmutableList.builder();
            for (int c = 0; c < arity; c++) {
              key.add(randomRange(r, universe[c]));
            }
            elements.add(new SetElement(key.build(), Optional.empty(), SourcePosition.UNKNOWN));
          }
          List<IntervalIndex> indexes = new ArrayList<>();
          for (long b : budgets) {
            indexes.add(IntervalIndex.of(elements, b));
          }
          for (int probe = 0; probe < 60; probe++) {
            List<Value128> key = new ArrayList<>();
            SetElement near = elements.get(r.nextInt(elements.size()));
            for (int c = 0; c < arity; c++) {
              key.add(probeValue(r, universe[c], near.key().get(c)));
            }
            Optional<SetElement> expected = bruteForce(elements, key);
            for (int b = 0; b < budgets.length; b++) {
              assertThat(indexes.get(b).lookup(key)).as("budget %s, key %s", budgets[b], key).isEqualTo(expected);
            }
          }
        });
  }

  @Test
  void emptyAndFullRangeSets() {
    assertThat(IntervalIndex.of(List.of()).lookup(List.of(Value128.ZERO))).isEmpty();
    SetElement all = new SetElement(ImmutableList.of(new KeyRange(Value128.ZERO, new Value128(-1L, -1L))),
        Optional.empty(), SourcePosition.UNKNOWN);
    IntervalIndex idx = IntervalIndex.of(List.of(all));
    assertThat(idx.lookup(List.of(new Value128(-1L, -1L)))).contains(all);
    assertThat(idx.lookup(List.of(Value128.ZERO))).contains(all);
  }

  private static Optional<SetElement> bruteForce(List<SetElement> elements, List<Value128> key) {
    return elements.stream().filter(e -> e.contains(key)).findFirst();
  }

  /** A single value, an arbitrary range, or a prefix-aligned block. */
  private static KeyRange randomRange(Random r, long universe) {
    long a = Math.floorMod(r.nextLong(), universe);
    switch (r.nextInt(3)) {
      case 0:
        return KeyRange.single(Value128.of(a));
      case 1: {
        // Mostly narrow ranges, like real address and port sets; one in eight spans an eighth of the space.
        long width = Math.max(1, universe / (r.nextInt(8) == 0 ? 8 : 4096));
        long b = Math.min(universe - 1, a + Math.floorMod(r.nextLong(), width));
        return new KeyRange(Value128.of(a), Value128.of(b));
      }
      default: {
        int bits = 64 - Long.numberOfLeadingZeros(universe - 1);
        int host = r.nextInt(8) == 0 ? r.nextInt(bits + 1) : r.nextInt(bits / 2 + 1);
        long mask = host == 64 ? -1L : (1L << host) - 1;
        long base = a & ~mask;
        return new KeyRange(Value128.of(base), Value128.of(Math.min(universe - 1, base | mask)));
      }
    }
  }

  /** Mostly values at or next to an element's edges (where off-by-one errors live), sometimes anywhere. */
  private static Value128 probeValue(Random r, long universe, KeyRange near) {
    long v;
    switch (r.nextInt(5)) {
      case 0:
        v = near.from().lo() - 1;
        break;
      case 1:
        v = near.from().lo();
        break;
      case 2:
        v = near.to().lo();
        break;
      case 3:
        v = near.to().lo() + 1;
        break;
      default:
        v = Math.floorMod(r.nextLong(), universe);
    }
    return Value128.of(Math.max(0, Math.min(universe - 1, v)));
  }
}
