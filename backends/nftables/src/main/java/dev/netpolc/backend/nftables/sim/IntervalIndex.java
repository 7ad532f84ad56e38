package dev.netpolc.backend.nftables.sim;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Fast lookup of a key in a list of set elements: for each key component, the value line is cut
 * into segments at every element boundary, and each segment lists the elements covering it (in
 * source order). A lookup binary-searches each component, takes the shortest candidate list
 * and checks its elements in order, so the first element (in source order) that contains the key
 * wins. One-component sets are the common case and cost one binary search.
 *
 * <p>A component whose ranges overlap heavily (say, thousands of port ranges that all contain
 * port 1500) would need a quadratic number of list entries; such a component is left
 * unindexed and the others narrow the candidates. Only when every component is unindexed does a
 * lookup scan all elements.
 */
final class IntervalIndex {

  /** Default bound on list entries per component: linear in the set size, never below 1M. */
  static long defaultBudget(int elements) {
    return Math.max(1L << 20, 64L * elements);
  }

  private final List<SetElement> elements;
  private final Value128[][] starts;
  private final int[][][] members;

  private IntervalIndex(List<SetElement> elements, Value128[][] starts, int[][][] members) {
    this.elements = elements;
    this.starts = starts;
    this.members = members;
  }

  /** Indexes {@code elements} (all of the same arity). */
  static IntervalIndex of(List<SetElement> elements) {
    return of(elements, defaultBudget(elements.size()));
  }

  /** Indexes {@code elements}, leaving unindexed each component that needs more than {@code budget} entries. */
  static IntervalIndex of(List<SetElement> elements, long budget) {
    List<SetElement> elems = List.copyOf(elements);
    int n = elems.size();
    int arity = n == 0 ? 0 : elems.get(0).key().size();
    Value128[][] starts = new Value128[arity][];
    int[][][] members = new int[arity][][];
    for (int c = 0; c < arity; c++) {
      Value128[] cuts = new Value128[2 * n];
      int k = 0;
      for (SetElement e : elems) {
        KeyRange r = e.key().get(c);
        cuts[k++] = r.from();
        Optional<Value128> end = next(r.to());
        if (end.isPresent()) {
          cuts[k++] = end.get();
        }
      }
      Value128[] s = distinctSorted(cuts, k);
      // Two passes with primitive arrays: count each segment's members, then fill in element order.
      int[] firstSeg = new int[n];
      int[] lastSeg = new int[n];
      int[] diff = new int[s.length + 1];
      long total = 0;
      for (int id = 0; id < n; id++) {
        KeyRange r = elems.get(id).key().get(c);
        firstSeg[id] = Arrays.binarySearch(s, r.from());
        Optional<Value128> end = next(r.to());
        lastSeg[id] = end.isPresent() ? Arrays.binarySearch(s, end.get()) - 1 : s.length - 1;
        diff[firstSeg[id]]++;
        diff[lastSeg[id] + 1]--;
        total += lastSeg[id] - firstSeg[id] + 1;
      }
      if (total > budget) {
        continue; // unindexed: starts[c] stays null
      }
      int[][] lists = new int[s.length][];
      int running = 0;
      for (int seg = 0; seg < s.length; seg++) {
        running += diff[seg];
        lists[seg] = new int[running];
      }
      int[] fill = new int[s.length];
      for (int id = 0; id < n; id++) {
        for (int seg = firstSeg[id]; seg <= lastSeg[id]; seg++) {
          lists[seg][fill[seg]++] = id;
        }
      }
      starts[c] = s;
      members[c] = lists;
    }
    return new IntervalIndex(elems, starts, members);
  }

  private static Value128[] distinctSorted(Value128[] values, int count) {
    Value128[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    int out = 0;
    for (int i = 0; i < count; i++) {
      if (out == 0 || !sorted[out - 1].equals(sorted[i])) {
        sorted[out++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, out);
  }

  private static Optional<Value128> next(Value128 v) {
    if (v.lo() == -1L) {
      return v.hi() == -1L ? Optional.empty() : Optional.of(new Value128(v.hi() + 1, 0));
    }
    return Optional.of(new Value128(v.hi(), v.lo() + 1));
  }

  /** The first element (in source order) containing {@code key}, if any. */
  Optional<SetElement> lookup(List<Value128> key) {
    int[] best = null;
    for (int c = 0; c < starts.length; c++) {
      if (starts[c] == null) {
        continue;
      }
      int seg = segment(starts[c], key.get(c));
      if (seg < 0 || members[c][seg].length == 0) {
        return Optional.empty();
      }
      if (best == null || members[c][seg].length < best.length) {
        best = members[c][seg];
      }
    }
    if (best == null) {
      // No component indexed (or no elements): scan everything, in source order.
      return elements.stream().filter(e -> e.contains(key)).findFirst();
    }
    for (int id : best) {
      SetElement e = elements.get(id);
      if (e.contains(key)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Index of the segment holding {@code v}: the last start not above it, or -1. */
  private static int segment(Value128[] s, Value128 v) {
    int i = Arrays.binarySearch(s, v, Comparator.naturalOrder());
    return i >= 0 ? i : -i - 2;
  }
}
