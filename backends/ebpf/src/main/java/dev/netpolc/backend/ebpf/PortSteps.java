package dev.netpolc.backend.ebpf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A function over the ports 0..65535 that is constant between breakpoints: {@code values[i]}
 * holds from {@code starts[i]} up to the next start. A value may be null where the function is
 * undefined (an LPM table without a covering entry). Equal neighbouring values are merged, so
 * two step functions are equal exactly when they agree on every port.
 *
 * @param <V> the value type
 */
final class PortSteps<V> {
  private final int[] starts;
  private final Object[] values;

  private PortSteps(int[] starts, Object[] values) {
    this.starts = starts;
    this.values = values;
  }

  /** {@code value} on every port. */
  static <V> PortSteps<V> constant(V value) {
    return new PortSteps<>(new int[] {0}, new Object[] {value});
  }

  /** A builder: steps added in ascending order of their first port, the first at port 0. */
  static <V> Builder<V> builder() {
    return new Builder<>();
  }

  /** The first port of every step, ascending (the first is 0). */
  List<Integer> starts() {
    return Arrays.stream(starts).boxed().toList();
  }

  /** The value at {@code port}. */
  @SuppressWarnings("unchecked")
  V at(int port) {
    return (V) values[index(port)];
  }

  /** The index of the step holding {@code port}. */
  private int index(int port) {
    int i = Arrays.binarySearch(starts, port);
    return i >= 0 ? i : -i - 2;
  }

  /** True when the function takes one value on {@code lo..hi}. */
  boolean uniform(int lo, int hi) {
    int i = index(lo);
    return i + 1 >= starts.length || starts[i + 1] > hi;
  }

  /** The distinct values on {@code lo..hi}, in order of their first port. */
  @SuppressWarnings("unchecked")
  List<V> valuesIn(int lo, int hi) {
    List<V> out = new ArrayList<>();
    for (int i = index(lo); i < starts.length && starts[i] <= hi; i++) {
      if (!out.contains(values[i])) {
        out.add((V) values[i]);
      }
    }
    return out;
  }

  /** This function with every undefined port given {@code value}. */
  PortSteps<V> orElse(V value) {
    Builder<V> b = builder();
    for (int i = 0; i < starts.length; i++) {
      @SuppressWarnings("unchecked")
      V v = (V) values[i];
      b.add(starts[i], v == null ? value : v);
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortSteps<?> p && Arrays.equals(starts, p.starts) && Arrays.equals(values, p.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(starts) * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < starts.length; i++) {
      int end = i + 1 < starts.length ? starts[i + 1] - 1 : 65535;
      sb.append(i > 0 ? ", " : "").append(starts[i]).append('-').append(end).append('=').append(values[i]);
    }
    return sb.toString();
  }

  /** Collects steps in port order; a step equal to the one before extends it. */
  static final class Builder<V> {
    private final List<Integer> starts = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();

    /** {@code value} from {@code start} on (until the next step). */
    Builder<V> add(int start, V value) {
      if (starts.isEmpty() ? start != 0 : start <= starts.get(starts.size() - 1) || start > 65535) {
        throw new IllegalArgumentException("steps must start at 0 and ascend within 0..65535, got " + start);
      }
      if (values.isEmpty() || !Objects.equals(values.get(values.size() - 1), value)) {
        starts.add(start);
        values.add(value);
      }
      return this;
    }

    PortSteps<V> build() {
      if (starts.isEmpty()) {
        throw new IllegalStateException("no step at port 0");
      }
      return new PortSteps<>(starts.stream().mapToInt(Integer::intValue).toArray(), values.toArray());
    }
  }
}
