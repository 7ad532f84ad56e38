package dev.netpolc.compiler.index;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An inverted index over labelled items (pods or namespaces), numbered 0..n-1: key → value →
 * items, and key → items, as sorted int posting lists. {@link #select} costs about the size of
 * the smallest positive posting list (plus the result), not the number of items: positive
 * requirements ({@code matchLabels}, {@code In}, {@code Exists}) are intersected smallest-first,
 * negative ones ({@code NotIn}, {@code DoesNotExist}) filter the candidates by label lookup, and
 * only a selector with no positive requirement at all starts from every item.
 */
public final class LabelIndex {
  private static final int[] NONE = new int[0];

  private final List<Map<String, String>> labels;
  private final Map<String, Map<String, int[]>> byKeyValue;
  private final Map<String, int[]> byKey = new HashMap<>(); // key → items, built per key on first use
  private final int[] all;

  /** Indexes {@code labels}: item i has {@code labels.get(i)}. */
  public LabelIndex(List<Map<String, String>> labels) {
    this.labels = ImmutableList.copyOf(labels);
    Map<String, Map<String, ClusterIndex.IntList>> kv = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      for (Map.Entry<String, String> e : labels.get(i).entrySet()) {
        Map<String, ClusterIndex.IntList> values = kv.get(e.getKey());
        if (values == null) {
          values = new HashMap<>();
          kv.put(e.getKey(), values);
        }
        ClusterIndex.IntList ids = values.get(e.getValue());
        if (ids == null) {
          ids = new ClusterIndex.IntList();
          values.put(e.getValue(), ids);
        }
        ids.add(i);
      }
    }
    this.byKeyValue = new HashMap<>(kv.size() * 2);
    kv.forEach((key, values) -> {
      Map<String, int[]> m = new HashMap<>(values.size() * 2);
      values.forEach((v, ids) -> m.put(v, ids.toArray()));
      byKeyValue.put(key, m);
    });
    this.all = new int[labels.size()];
    Arrays.setAll(all, i -> i);
  }

  /** The number of items. */
  public int size() {
    return all.length;
  }

  /** The items matching {@code selector}, ascending. */
  public int[] select(LabelSelector selector) {
    return select(selector, null);
  }

  /**
   * The items matching {@code selector} within {@code restrict} (ascending ids; null for no
   * restriction), ascending. The restriction is one more positive posting list.
   */
  public int[] select(LabelSelector selector, int[] restrict) {
    List<int[]> positive = new ArrayList<>();
    List<LabelSelectorRequirement> negative = new ArrayList<>();
    if (restrict != null) {
      positive.add(restrict);
    }
    for (Map.Entry<String, String> e : selector.matchLabels().entrySet()) {
      positive.add(posting(e.getKey(), e.getValue()));
    }
    for (LabelSelectorRequirement r : selector.matchExpressions()) {
      LabelSelectorRequirement.Operator op = r.op();
      if (op == null) {
        return NONE; // an unknown operator matches nothing
      }
      switch (op) {
        case In:
          positive.add(unionOf(r.key(), r.values()));
          break;
        case Exists:
          positive.add(withKey(r.key()));
          break;
        default:
          negative.add(r);
      }
    }
    int[] candidates;
    if (positive.isEmpty()) {
      candidates = all;
    } else {
      positive.sort(Comparator.comparingInt(a -> a.length));
      candidates = positive.get(0);
      for (int i = 1; i < positive.size() && candidates.length > 0; i++) {
        candidates = intersect(candidates, positive.get(i));
      }
    }
    if (negative.isEmpty()) {
      return candidates;
    }
    int[] out = new int[candidates.length];
    int n = 0;
    for (int id : candidates) {
      boolean ok = true;
      for (LabelSelectorRequirement r : negative) {
        if (!r.matches(labels.get(id))) {
          ok = false;
          break;
        }
      }
      if (ok) {
        out[n++] = id;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private int[] posting(String key, String value) {
    Map<String, int[]> values = byKeyValue.get(key);
    if (values == null) {
      return NONE;
    }
    return values.getOrDefault(value, NONE);
  }

  /** The items that have label {@code key}: the union of its values' (disjoint) posting lists. */
  private int[] withKey(String key) {
    Map<String, int[]> values = byKeyValue.get(key);
    if (values == null) {
      return NONE;
    }
    return byKey.computeIfAbsent(key, k -> {
      int total = 0;
      for (int[] p : values.values()) {
        total += p.length;
      }
      int[] out = new int[total];
      int n = 0;
      for (int[] p : values.values()) {
        System.arraycopy(p, 0, out, n, p.length);
        n += p.length;
      }
      Arrays.sort(out);
      return out;
    });
  }

  private int[] unionOf(String key, List<String> values) {
    if (values.size() == 1) {
      return posting(key, values.get(0));
    }
    int total = 0;
    List<int[]> lists = new ArrayList<>();
    for (String v : values) {
      int[] p = posting(key, v);
      lists.add(p);
      total += p.length;
    }
    int[] out = new int[total];
    int n = 0;
    for (int[] p : lists) {
      System.arraycopy(p, 0, out, n, p.length);
      n += p.length;
    }
    Arrays.sort(out);
    // Values of one key are disjoint; duplicates only come from repeated values.
    int w = 0;
    for (int i = 0; i < out.length; i++) {
      if (w == 0 || out[w - 1] != out[i]) {
        out[w++] = out[i];
      }
    }
    return Arrays.copyOf(out, w);
  }

  /** The intersection of two ascending lists; gallops through the longer one. */
  static int[] intersect(int[] small, int[] large) {
    if (small.length > large.length) {
      return intersect(large, small);
    }
    int[] out = new int[small.length];
    int n = 0;
    int from = 0;
    for (int x : small) {
      int pos = Arrays.binarySearch(large, from, large.length, x);
      if (pos >= 0) {
        out[n++] = x;
        from = pos + 1;
      } else {
        from = -pos - 1;
      }
      if (from >= large.length) {
        break;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
