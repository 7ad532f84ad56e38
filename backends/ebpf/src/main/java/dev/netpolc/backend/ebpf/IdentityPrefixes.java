package dev.netpolc.backend.ebpf;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fewest LPM prefixes that give every address of a family its atom's identity, computed
 * with the optimal routing table construction (ORTC) over the binary trie of the partition's
 * CIDRs: bottom up, a node's candidate identities are the intersection of its children's, or
 * their union when that is empty; top down, a node emits an entry only when the identity it
 * inherits from the nearest emitted ancestor is not a candidate (then the smallest candidate,
 * for determinism). Nested prefixes are what an LPM trie is for: the address space around the
 * pods is mostly one "outside" identity, stated once at {@code /0} instead of once per gap.
 */
final class IdentityPrefixes {
  private IdentityPrefixes() {}

  /**
   * The minimal table of one family. {@code partition} holds the CIDRs of every atom of that
   * family, disjoint and covering the whole family (as {@code Atoms.lpmEntries()} gives them).
   */
  static List<Map.Entry<Cidr, Integer>> minimal(List<Map.Entry<Cidr, Integer>> partition) {
    List<Map.Entry<Cidr, Integer>> sorted = new ArrayList<>(partition);
    sorted.sort(Map.Entry.comparingByKey());
    if (sorted.isEmpty()) {
      return List.of();
    }
    IpAddress zero = sorted.get(0).getKey().address().mask(0);
    Node root = build(sorted, 0, sorted.size(), zero, 0);
    List<Map.Entry<Cidr, Integer>> out = new ArrayList<>();
    assign(root, -1, out);
    out.sort(Map.Entry.comparingByKey());
    return out;
  }

  /** A trie node: a leaf holds one atom; an internal node has both children. */
  private static final class Node {
    final Cidr prefix;
    final Node left;
    final Node right;
    final int[] candidates;

    Node(Cidr prefix, Node left, Node right, int[] candidates) {
      this.prefix = prefix;
      this.left = left;
      this.right = right;
      this.candidates = candidates;
    }
  }

  private static Node build(List<Map.Entry<Cidr, Integer>> cidrs, int lo, int hi, IpAddress base, int len) {
    if (lo >= hi) {
      throw new IllegalArgumentException("the partition does not cover " + new Cidr(base, len));
    }
    Cidr here = new Cidr(base, len);
    if (hi - lo == 1 && cidrs.get(lo).getKey().prefix() == len) {
      return new Node(here, null, null, new int[] {cidrs.get(lo).getValue()});
    }
    if (len == base.bits() || cidrs.get(lo).getKey().prefix() <= len) {
      throw new IllegalArgumentException("the partition's CIDRs overlap at " + here);
    }
    int mid = lo;
    while (mid < hi && !cidrs.get(mid).getKey().address().bit(len)) {
      mid++;
    }
    IpAddress rightBase = base.fill(len).mask(len + 1); // base with bit len set
    Node left = build(cidrs, lo, mid, base, len + 1);
    Node right = build(cidrs, mid, hi, rightBase, len + 1);
    int[] both = intersect(left.candidates, right.candidates);
    return new Node(here, left, right, both.length > 0 ? both : union(left.candidates, right.candidates));
  }

  private static void assign(Node n, int inherited, List<Map.Entry<Cidr, Integer>> out) {
    int chosen = inherited;
    if (Arrays.binarySearch(n.candidates, inherited) < 0) {
      chosen = n.candidates[0];
      out.add(Map.entry(n.prefix, chosen));
    }
    if (n.left != null) {
      assign(n.left, chosen, out);
      assign(n.right, chosen, out);
    }
  }

  private static int[] intersect(int[] a, int[] b) {
    int[] out = new int[Math.min(a.length, b.length)];
    int n = 0;
    for (int i = 0, j = 0; i < a.length && j < b.length; ) {
      if (a[i] == b[j]) {
        out[n++] = a[i];
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static int[] union(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      if (j == b.length || (i < a.length && a[i] < b[j])) {
        out[n++] = a[i++];
      } else if (i == a.length || b[j] < a[i]) {
        out[n++] = b[j++];
      } else {
        out[n++] = a[i++];
        j++;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
