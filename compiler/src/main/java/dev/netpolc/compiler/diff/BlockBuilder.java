package dev.netpolc.compiler.diff;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Collects changed rectangles (source pods × destination pods × ports, one namespace on each
 * side) and merges them into as few {@link ChangeBlock}s as exactness allows: rectangles with
 * the same change, namespaces and ports merge when they share their destinations (sources
 * united) or their sources (destinations united), until nothing merges. A union of rectangles
 * with a common side is again a rectangle, so no pair is added or lost.
 */
final class BlockBuilder {
  private record Key(Change change, String sourceNs, String destinationNs, PortSpace ports) {}

  private record Rect(BitSet sources, BitSet destinations) {}

  private final PodCatalog catalog;
  private final Map<Key, List<Rect>> rects = new LinkedHashMap<>();
  private final long maxRects;
  private final LongFunction<RuntimeException> overBudget;
  private long count;

  /** A builder without a budget. */
  BlockBuilder(PodCatalog catalog) {
    this(catalog, Long.MAX_VALUE, n -> new IllegalStateException("unreachable"));
  }

  /** A builder that throws {@code overBudget.apply(count)} when more than {@code maxRects} rectangles are added. */
  BlockBuilder(PodCatalog catalog, long maxRects, LongFunction<RuntimeException> overBudget) {
    this.catalog = catalog;
    this.maxRects = maxRects;
    this.overBudget = overBudget;
  }

  /** Adds sources × destinations (both of one namespace each) changed on {@code ports}. */
  void add(Change change, String sourceNs, BitSet sources, String destinationNs, BitSet destinations,
      PortSpace ports) {
    if (ports.isEmpty() || sources.isEmpty() || destinations.isEmpty()) {
      return;
    }
    if (sources.cardinality() == 1 && sources.equals(destinations)) {
      return; // only a pod and itself: never a change
    }
    if (++count > maxRects) {
      throw overBudget.apply(count);
    }
    // Stored relative to the namespace's first pod: a namespace's pods are a short run of a
    // long index, and a BitSet is as long as its highest bit.
    rects.computeIfAbsent(new Key(change, sourceNs, destinationNs, ports), k -> new ArrayList<>())
        .add(new Rect(shift(sources, -base(sourceNs)), shift(destinations, -base(destinationNs))));
  }

  private int base(String ns) {
    return Math.max(0, catalog.namespace(ns).nextSetBit(0));
  }

  private static BitSet shift(BitSet set, int by) {
    BitSet out = new BitSet();
    for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
      out.set(i + by);
    }
    return out;
  }

  /** The merged blocks of one change, sorted by namespaces, then first pods, then ports. */
  List<ChangeBlock> build(Change change) {
    List<ChangeBlock> out = new ArrayList<>();
    rects.forEach((key, list) -> {
      if (key.change() != change) {
        return;
      }
      for (Rect r : merge(list)) {
        BitSet sources = shift(r.sources(), base(key.sourceNs()));
        BitSet destinations = shift(r.destinations(), base(key.destinationNs()));
        out.add(new ChangeBlock(change, key.sourceNs(), catalog.describe(key.sourceNs(), sources),
            catalog.keys(sources), key.destinationNs(), catalog.describe(key.destinationNs(), destinations),
            catalog.keys(destinations), key.ports()));
      }
    });
    out.sort(Comparator.comparing(ChangeBlock::sourceNamespace).thenComparing(ChangeBlock::destinationNamespace)
        .thenComparing(b -> b.sources().get(0)).thenComparing(b -> b.destinations().get(0))
        .thenComparing(b -> b.ports().toString()));
    return ImmutableList.copyOf(out);
  }

  private static List<Rect> merge(List<Rect> in) {
    List<Rect> cur = in;
    while (true) {
      List<Rect> bySources = unite(cur, true);
      List<Rect> next = unite(bySources, false);
      if (next.size() == cur.size()) {
        return next;
      }
      cur = next;
    }
  }

  /** Unites rectangles with equal destinations ({@code keepDestinations}) or equal sources. */
  private static List<Rect> unite(List<Rect> in, boolean keepDestinations) {
    Map<BitSet, BitSet> m = new LinkedHashMap<>();
    for (Rect r : in) {
      BitSet fixed = keepDestinations ? r.destinations() : r.sources();
      BitSet other = keepDestinations ? r.sources() : r.destinations();
      BitSet acc = m.get(fixed);
      if (acc == null) {
        m.put(fixed, (BitSet) other.clone());
      } else {
        acc.or(other);
      }
    }
    List<Rect> out = new ArrayList<>();
    m.forEach((fixed, other) -> out.add(keepDestinations ? new Rect(other, fixed) : new Rect(fixed, other)));
    return out;
  }
}
