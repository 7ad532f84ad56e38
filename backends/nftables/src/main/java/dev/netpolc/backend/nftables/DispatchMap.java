package dev.netpolc.backend.nftables;

import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The elements of one verdict map from local pod addresses to their group chains ({@code ep_in4},
 * {@code ep_out6}, ...): sorted by address, one per address, the last one put winning as it
 * would in a map. IPv4 entries are kept as one {@code long} each (address and insertion number)
 * and sorted as numbers: a cluster-wide ruleset of 100,000 pods has 200,000 of them.
 */
final class DispatchMap {
  /** IPv4 entries as {@code (address << 32 | sequence)}, sign bit flipped so signed order is unsigned order. */
  private long[] v4 = new long[16];
  private int v4Count;
  /** IPv6 entries. */
  private final List<V6Entry> v6 = new ArrayList<>();
  /** The chain of each entry, by sequence number. */
  private final List<String> chains = new ArrayList<>();

  void put(IpAddress ip, String chain) {
    int seq = chains.size();
    chains.add(chain);
    if (ip.v6()) {
      v6.add(new V6Entry(ip, seq));
      return;
    }
    if (v4Count == v4.length) {
      v4 = Arrays.copyOf(v4, v4Count * 2);
    }
    v4[v4Count++] = ((ip.lo() << 32) | seq) ^ Long.MIN_VALUE;
  }

  boolean isEmpty() {
    return chains.isEmpty();
  }

  /** The entries, sorted by address (IPv4 first), the last one put for each address. */
  RulesetWriter.Elements sorted() {
    Arrays.sort(v4, 0, v4Count);
    int n4 = 0;
    for (int i = 0; i < v4Count; i++) {
      // Equal addresses sort by sequence: a later entry for the same address replaces the kept one.
      if (n4 > 0 && (v4[i] >>> 32) == (v4[n4 - 1] >>> 32)) {
        v4[n4 - 1] = v4[i];
      } else {
        v4[n4++] = v4[i];
      }
    }
    long[] sorted4 = Arrays.copyOf(v4, n4);
    v6.sort(null);
    List<V6Entry> sorted6 = new ArrayList<>(v6.size());
    for (V6Entry e : v6) {
      if (!sorted6.isEmpty() && sorted6.get(sorted6.size() - 1).ip().equals(e.ip())) {
        sorted6.set(sorted6.size() - 1, e);
      } else {
        sorted6.add(e);
      }
    }
    return new RulesetWriter.Elements() {
      @Override
      public int size() {
        return sorted4.length + sorted6.size();
      }

      @Override
      public void append(StringBuilder sb, int k) {
        String chain;
        if (k < sorted4.length) {
          long v = sorted4[k] ^ Long.MIN_VALUE;
          RulesetWriter.appendIp4(sb, (int) (v >>> 32));
          chain = chains.get((int) v);
        } else {
          V6Entry e = sorted6.get(k - sorted4.length);
          sb.append(e.ip());
          chain = chains.get(e.seq());
        }
        sb.append(" : jump ").append(chain);
      }
    };
  }

  private record V6Entry(IpAddress ip, int seq) implements Comparable<V6Entry> {
    @Override
    public int compareTo(V6Entry o) {
      int c = ip.compareTo(o.ip);
      return c != 0 ? c : Integer.compare(seq, o.seq);
    }
  }
}
