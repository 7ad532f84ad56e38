package dev.netpolc.compiler.gen;

import java.util.List;
import java.util.Random;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * A source of choices for the generators: either QuickTheories' randomness (so failures shrink:
 * every choice shrinks towards its lowest value, and generators put the simplest option first)
 * or a seeded {@link Random} for large fixed-seed clusters.
 */
public interface Draw {
  /** A value in {@code [min, max]}. */
  int between(int min, int max);

  /** True with roughly {@code percent}% probability (false is the simpler answer). */
  default boolean chance(int percent) {
    return between(0, 99) >= 100 - percent;
  }

  /** One of {@code options}; the first is the simplest. */
  default <T> T pick(List<T> options) {
    return options.get(between(0, options.size() - 1));
  }

  /** Choices from QuickTheories. */
  static Draw of(RandomnessSource in) {
    return (min, max) -> (int) in.next(Constraint.between(min, max).withShrinkPoint(min));
  }

  /** Choices from a seeded random (no shrinking). */
  static Draw of(Random random) {
    return (min, max) -> min + random.nextInt(max - min + 1);
  }
}
