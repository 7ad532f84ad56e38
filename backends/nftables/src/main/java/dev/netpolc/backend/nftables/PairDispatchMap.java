package dev.netpolc.backend.nftables;

import dev.netpolc.model.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * The elements of a concatenated verdict map from {@code source . destination} blocks to chains
 * ({@code ep_node4}, {@code ep_node6} of a cluster-wide ruleset: a local pod's address and an
 * address of its own node, to the chain of its group's egress towards that node). Printed sorted
 * by source, then destination, each pair once, the last one put winning as it would in a map.
 */
final class PairDispatchMap {
  private final List<Entry> entries = new ArrayList<>();

  /** Maps {@code src . dst} to a jump to {@code chain}. */
  void put(Cidr src, Cidr dst, String chain) {
    entries.add(new Entry(src, dst, entries.size(), chain));
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The entries sorted by source then destination, the last one put for each pair. */
  RulesetWriter.Elements sorted() {
    List<Entry> all = new ArrayList<>(entries);
    all.sort(null);
    List<Entry> out = new ArrayList<>(all.size());
    for (Entry e : all) {
      // Equal pairs sort by sequence: a later entry for the same pair replaces the kept one.
      if (!out.isEmpty() && out.get(out.size() - 1).samePair(e)) {
        out.set(out.size() - 1, e);
      } else {
        out.add(e);
      }
    }
    return new RulesetWriter.Elements() {
      @Override
      public int size() {
        return out.size();
      }

      @Override
      public void append(StringBuilder sb, int i) {
        Entry e = out.get(i);
        RulesetWriter.appendCidr(sb, e.src());
        sb.append(" . ");
        RulesetWriter.appendCidr(sb, e.dst());
        sb.append(" : jump ").append(e.chain());
      }
    };
  }

  private record Entry(Cidr src, Cidr dst, int seq, String chain) implements Comparable<Entry> {
    boolean samePair(Entry o) {
      return src.equals(o.src) && dst.equals(o.dst);
    }

    @Override
    public int compareTo(Entry o) {
      int c = src.compareTo(o.src);
      if (c == 0) {
        c = dst.compareTo(o.dst);
      }
      return c != 0 ? c : Integer.compare(seq, o.seq);
    }
  }
}
