package dev.netpolc.backend.nftables.sim;

import java.util.Objects;

/**
 * An inclusive interval of one key component; a single value has {@code from == to}.
 *
 * @param from lowest value
 * @param to   highest value, not below {@code from}
 */
public record KeyRange(Value128 from, Value128 to) {
  public KeyRange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.greaterThan(to)) {
      throw new IllegalArgumentException("empty range " + from + "-" + to);
    }
  }

  /** The one-value range. */
  public static KeyRange single(Value128 v) {
    return new KeyRange(v, v);
  }

  /** True when {@code v} lies in this range. */
  public boolean contains(Value128 v) {
    return from.compareTo(v) <= 0 && v.compareTo(to) <= 0;
  }

  /** True when the two ranges share a value. */
  public boolean overlaps(KeyRange o) {
    return from.compareTo(o.to) <= 0 && o.from.compareTo(to) <= 0;
  }

  /** True for a one-value range. */
  public boolean isSingle() {
    return from.equals(to);
  }
}
