package dev.netpolc.backend.nftables;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The source . destination pairs of a concatenated set ({@code bypass_4}, {@code bypass_6}),
 * printed sorted by source then destination (address, then prefix length), each distinct pair
 * once. Pairs of two IPv4 single addresses, nearly all of them (a pod and itself, a pod and its
 * node), are kept as one {@code long} each and sorted as numbers: a cluster-wide ruleset of
 * 100,000 pods has 300,000 of them, and sorting them as objects was the emit's largest cost.
 */
final class AddressPairs {
  /** IPv4 host pairs as {@code (source << 32 | destination)}, sign bit flipped so signed order is unsigned order. */
  private long[] hosts = new long[16];
  private int hostCount;
  /** Every other pair (IPv6, or a prefix on either side). */
  private final List<Pair> others = new ArrayList<>();

  /** Adds the pair of single addresses {@code src . dst}. */
  void add(IpAddress src, IpAddress dst) {
    if (!src.v6() && !dst.v6()) {
      if (hostCount == hosts.length) {
        hosts = Arrays.copyOf(hosts, hostCount * 2);
      }
      hosts[hostCount++] = ((src.lo() << 32) | dst.lo()) ^ Long.MIN_VALUE;
    } else {
      others.add(new Pair(Cidr.host(src), Cidr.host(dst)));
    }
  }

  /** Adds the pair {@code src . dst}. */
  void add(Cidr src, Cidr dst) {
    if (RulesetWriter.isHost(src) && RulesetWriter.isHost(dst)) {
      add(src.address(), dst.address());
    } else {
      others.add(new Pair(src, dst));
    }
  }

  boolean isEmpty() {
    return hostCount == 0 && others.isEmpty();
  }

  /** The pairs sorted and distinct, ready to print. */
  RulesetWriter.Elements sorted() {
    Arrays.sort(hosts, 0, hostCount);
    int h = 0;
    for (int i = 0; i < hostCount; i++) {
      if (h == 0 || hosts[i] != hosts[h - 1]) {
        hosts[h++] = hosts[i];
      }
    }
    long[] sortedHosts = Arrays.copyOf(hosts, h);
    others.sort(null);
    List<Pair> sortedOthers = new ArrayList<>(others.size());
    for (Pair p : others) {
      if (sortedOthers.isEmpty() || p.compareTo(sortedOthers.get(sortedOthers.size() - 1)) != 0) {
        sortedOthers.add(p);
      }
    }
    // Merge: order[k] >= 0 is an index into sortedHosts, order[k] < 0 is -(index + 1) into sortedOthers.
    int[] order = new int[sortedHosts.length + sortedOthers.size()];
    int i = 0;
    int j = 0;
    for (int k = 0; k < order.length; k++) {
      boolean host = j == sortedOthers.size()
          || (i < sortedHosts.length && compare(sortedHosts[i], sortedOthers.get(j)) <= 0);
      order[k] = host ? i++ : -(j++ + 1);
    }
    return new RulesetWriter.Elements() {
      @Override
      public int size() {
        return order.length;
      }

      @Override
      public void append(StringBuilder sb, int k) {
        int o = order[k];
        if (o >= 0) {
          long v = sortedHosts[o] ^ Long.MIN_VALUE;
          RulesetWriter.appendIp4(sb, (int) (v >>> 32));
          sb.append(" . ");
          RulesetWriter.appendIp4(sb, (int) v);
        } else {
          Pair p = sortedOthers.get(-o - 1);
          RulesetWriter.appendCidr(sb, p.src());
          sb.append(" . ");
          RulesetWriter.appendCidr(sb, p.dst());
        }
      }
    };
  }

  /** Compares a packed IPv4 host pair with a pair of blocks, in {@link Pair}'s order. */
  private static int compare(long packed, Pair p) {
    long v = packed ^ Long.MIN_VALUE;
    int c = compareHost(v >>> 32, p.src());
    return c != 0 ? c : compareHost(v & 0xFFFF_FFFFL, p.dst());
  }

  /** Compares the IPv4 single address {@code v4} with {@code c}, in {@link Cidr}'s order. */
  private static int compareHost(long v4, Cidr c) {
    if (c.v6()) {
      return -1;
    }
    int a = Long.compare(v4, c.address().lo());
    return a != 0 ? a : Integer.compare(32, c.prefix());
  }

  /** Two address blocks as a concatenated set element, ordered by source then destination. */
  private record Pair(Cidr src, Cidr dst) implements Comparable<Pair> {
    @Override
    public int compareTo(Pair o) {
      int c = src.compareTo(o.src);
      return c != 0 ? c : dst.compareTo(o.dst);
    }
  }
}
