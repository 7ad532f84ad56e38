package dev.netpolc.compiler.ir;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A set of IPv4 and IPv6 addresses.
 *
 * <p>Its <em>content</em> is canonical: {@link #ranges()} are disjoint, non-adjacent and sorted
 * (IPv4 first), and {@link #cidrs()} is the minimal CIDR cover of that content. Its
 * <em>representation</em>, {@link #elements()}, is the list of CIDRs a backend renders; the
 * compiler's literal translation may leave it non-minimal (one /32 per pod, overlapping ipBlocks),
 * and the {@code cidr-cover} pass replaces it with {@link #cidrs()}. Equality is by
 * representation, so that the IR is an honest record of what a backend would emit;
 * {@link #sameAddresses} compares content. Every set operation returns a minimal set.
 */
public final class AddressSet implements Comparable<AddressSet> {
  /** The empty set. */
  public static final AddressSet EMPTY = new AddressSet(ImmutableList.of());
  /** Every IPv4 and every IPv6 address: {@code 0.0.0.0/0} and {@code ::/0}. */
  public static final AddressSet ALL = new AddressSet(ImmutableList.of(
      new Cidr(IpAddress.v4(0), 0), new Cidr(IpAddress.v6(0, 0), 0)));

  private final ImmutableList<Cidr> elements;
  private final ImmutableList<AddressRange> ranges;
  private ImmutableList<Cidr> minimal; // computed on first use; a benign race
  private final int hash;

  private AddressSet(List<Cidr> sortedDistinct) {
    this.elements = ImmutableList.copyOf(sortedDistinct);
    this.ranges = mergeRanges(elements);
    this.hash = elements.hashCode();
  }

  /** A set of these sorted, distinct elements whose content is already known to be {@code ranges}. */
  private AddressSet(List<Cidr> sortedDistinct, List<AddressRange> ranges) {
    this.elements = ImmutableList.copyOf(sortedDistinct);
    this.ranges = ImmutableList.copyOf(ranges);
    this.hash = elements.hashCode();
  }

  /** A set represented by exactly these CIDRs (sorted and de-duplicated; overlaps kept). */
  public static AddressSet ofCidrs(Collection<Cidr> cidrs) {
    List<Cidr> sorted = new ArrayList<>(cidrs);
    sorted.sort(null);
    List<Cidr> distinct = new ArrayList<>(sorted.size());
    for (Cidr c : sorted) {
      if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(c)) {
        distinct.add(c);
      }
    }
    return distinct.isEmpty() ? EMPTY : new AddressSet(distinct);
  }

  /** The set of single addresses, one host CIDR each (not minimal: see {@link #canonical()}). */
  public static AddressSet ofAddresses(Collection<IpAddress> addresses) {
    // Sorted as primitives (a cluster's pod addresses are 100,000s), and the ranges are the runs
    // of consecutive addresses: no comparator call or intermediate range per address.
    int size = addresses.size();
    long[] v4 = new long[size];
    int n4 = 0;
    long[] hi = null;
    long[] lo = null;
    int n6 = 0;
    for (IpAddress a : addresses) {
      if (a.v6()) {
        if (hi == null) {
          hi = new long[size];
          lo = new long[size];
        }
        hi[n6] = a.hi();
        lo[n6++] = a.lo();
      } else {
        v4[n4++] = a.lo();
      }
    }
    if (n4 + n6 == 0) {
      return EMPTY;
    }
    java.util.Arrays.sort(v4, 0, n4);
    List<Cidr> elements = new ArrayList<>(n4 + n6);
    List<AddressRange> ranges = new ArrayList<>();
    IpAddress runFirst = null;
    IpAddress prev = null;
    for (int i = 0; i < n4; i++) {
      if (i > 0 && v4[i] == v4[i - 1]) {
        continue;
      }
      IpAddress a = IpAddress.v4(v4[i]);
      elements.add(new Cidr(a, 32));
      if (prev == null || !isSuccessor(prev, a)) {
        if (prev != null) {
          ranges.add(new AddressRange(runFirst, prev));
        }
        runFirst = a;
      }
      prev = a;
    }
    if (n6 > 0) {
      AddressArrays.sort(hi, lo, n6);
      for (int i = 0; i < n6; i++) {
        if (i > 0 && hi[i] == hi[i - 1] && lo[i] == lo[i - 1]) {
          continue;
        }
        IpAddress a = IpAddress.v6(hi[i], lo[i]);
        elements.add(new Cidr(a, 128));
        if (prev == null || !isSuccessor(prev, a)) { // isSuccessor is false across families
          if (prev != null) {
            ranges.add(new AddressRange(runFirst, prev));
          }
          runFirst = a;
        }
        prev = a;
      }
    }
    ranges.add(new AddressRange(runFirst, prev));
    return new AddressSet(elements, ranges);
  }

  /** The minimal set covering exactly these ranges (which may overlap). */
  public static AddressSet ofRanges(Collection<AddressRange> ranges) {
    List<AddressRange> sorted = new ArrayList<>(ranges);
    sorted.sort(null);
    List<Cidr> out = new ArrayList<>();
    for (AddressRange r : normalise(sorted)) {
      coverRange(r, out);
    }
    AddressSet s = out.isEmpty() ? EMPTY : new AddressSet(out);
    s.minimal = s.elements;
    return s;
  }

  /** The CIDRs as represented (sorted, maybe overlapping or mergeable). */
  public ImmutableList<Cidr> elements() {
    return elements;
  }

  /** The number of CIDRs in the representation: what a backend renders. */
  public int elementCount() {
    return elements.size();
  }

  /** The content: disjoint, non-adjacent, sorted ranges, IPv4 before IPv6. */
  public ImmutableList<AddressRange> ranges() {
    return ranges;
  }

  /** The minimal CIDR cover of the content, IPv4 then IPv6, sorted. */
  public ImmutableList<Cidr> cidrs() {
    ImmutableList<Cidr> m = minimal;
    if (m == null) {
      List<Cidr> out = new ArrayList<>();
      for (AddressRange r : ranges) {
        coverRange(r, out);
      }
      m = ImmutableList.copyOf(out);
      minimal = m;
    }
    return m;
  }

  /** True when the representation is the minimal cover. */
  public boolean isMinimal() {
    return elements.equals(cidrs());
  }

  /** The same addresses represented by their minimal cover. */
  public AddressSet canonical() {
    if (isMinimal()) {
      return this;
    }
    AddressSet s = new AddressSet(cidrs());
    s.minimal = s.elements;
    return s;
  }

  /** True when no address is in the set. */
  public boolean isEmpty() {
    return elements.isEmpty();
  }

  /** True when {@code ip} is in the set. */
  public boolean contains(IpAddress ip) {
    int lo = 0;
    int hi = ranges.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      AddressRange r = ranges.get(mid);
      if (ip.compareTo(r.first()) < 0) {
        hi = mid - 1;
      } else if (ip.compareTo(r.last()) > 0) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /** True when both sets hold the same addresses, whatever their representation. */
  public boolean sameAddresses(AddressSet other) {
    return ranges.equals(other.ranges);
  }

  /** True when every address of {@code other} is in this set. */
  public boolean containsAll(AddressSet other) {
    if (other == this || other.ranges.isEmpty()) {
      return true;
    }
    int i = 0;
    for (AddressRange b : other.ranges) {
      while (i < ranges.size() && ranges.get(i).last().compareTo(b.first()) < 0) {
        i++;
      }
      if (i == ranges.size() || ranges.get(i).first().compareTo(b.first()) > 0
          || ranges.get(i).last().compareTo(b.last()) < 0) {
        return false; // ranges are maximal, so b must lie within a single one
      }
    }
    return true;
  }

  /** The addresses in any of {@code sets} (minimal). */
  public static AddressSet unionAll(Collection<AddressSet> sets) {
    // Merged rules often share one peer set (hash-consed): union each distinct set once, or
    // n rules over an n-element set would sort n^2 ranges.
    Set<AddressSet> distinct = new LinkedHashSet<>(sets);
    if (distinct.size() == 1) {
      return distinct.iterator().next().canonical();
    }
    List<AddressRange> all = new ArrayList<>();
    for (AddressSet s : distinct) {
      all.addAll(s.ranges);
    }
    return ofRanges(all);
  }

  /** The addresses in either set (minimal). */
  public AddressSet union(AddressSet other) {
    if (other.isEmpty() || other.equals(this)) {
      return canonical();
    }
    List<AddressRange> all = new ArrayList<>(ranges.size() + other.ranges.size());
    all.addAll(ranges);
    all.addAll(other.ranges);
    return ofRanges(all);
  }

  /** The addresses in both sets (minimal). */
  public AddressSet intersection(AddressSet other) {
    List<AddressRange> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < ranges.size() && j < other.ranges.size()) {
      AddressRange a = ranges.get(i);
      AddressRange b = other.ranges.get(j);
      IpAddress first = max(a.first(), b.first());
      IpAddress last = min(a.last(), b.last());
      if (first.v6() == last.v6() && first.compareTo(last) <= 0) {
        out.add(new AddressRange(first, last));
      }
      if (a.last().compareTo(b.last()) < 0) {
        i++;
      } else {
        j++;
      }
    }
    return ofRanges(out);
  }

  /** The addresses of this set that are not in {@code other} (minimal). */
  public AddressSet difference(AddressSet other) {
    List<AddressRange> out = new ArrayList<>();
    int j = 0;
    for (AddressRange a : ranges) {
      IpAddress cur = a.first();
      boolean done = false;
      while (j < other.ranges.size() && other.ranges.get(j).last().compareTo(cur) < 0) {
        j++;
      }
      int k = j;
      while (!done && k < other.ranges.size() && other.ranges.get(k).first().compareTo(a.last()) <= 0) {
        AddressRange b = other.ranges.get(k);
        if (b.first().compareTo(cur) > 0) {
          out.add(new AddressRange(cur, b.first().previous().orElseThrow()));
        }
        if (b.last().compareTo(a.last()) >= 0) {
          done = true;
        } else {
          cur = b.last().next().orElseThrow();
          k++;
        }
      }
      if (!done) {
        out.add(new AddressRange(cur, a.last()));
      }
    }
    return ofRanges(out);
  }

  private static IpAddress max(IpAddress a, IpAddress b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static IpAddress min(IpAddress a, IpAddress b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static ImmutableList<AddressRange> mergeRanges(List<Cidr> sortedCidrs) {
    List<AddressRange> rs = new ArrayList<>(sortedCidrs.size());
    for (Cidr c : sortedCidrs) {
      rs.add(new AddressRange(c.first(), c.last()));
    }
    return ImmutableList.copyOf(normalise(rs));
  }

  /** Merges sorted ranges that overlap or touch (same family only). */
  private static List<AddressRange> normalise(List<AddressRange> sorted) {
    List<AddressRange> out = new ArrayList<>(sorted.size());
    for (AddressRange r : sorted) {
      if (!out.isEmpty()) {
        AddressRange prev = out.get(out.size() - 1);
        boolean sameFamily = prev.last().v6() == r.first().v6();
        boolean touches = sameFamily
            && (r.first().compareTo(prev.last()) <= 0 || isSuccessor(prev.last(), r.first()));
        if (touches) {
          if (r.last().compareTo(prev.last()) > 0) {
            out.set(out.size() - 1, new AddressRange(prev.first(), r.last()));
          }
          continue;
        }
      }
      out.add(r);
    }
    return out;
  }

  /** True when {@code b} is the address right after {@code a} (same family); no allocation. */
  private static boolean isSuccessor(IpAddress a, IpAddress b) {
    if (a.v6() != b.v6()) {
      return false;
    }
    if (!a.v6()) {
      return b.lo() == a.lo() + 1;
    }
    return b.lo() == a.lo() + 1 && b.hi() == a.hi() + (a.lo() == -1L ? 1 : 0);
  }

  /** Appends the minimal CIDR cover of one range: the largest aligned block at each step. */
  private static void coverRange(AddressRange r, List<Cidr> out) {
    IpAddress cur = r.first();
    while (true) {
      int prefix = cur.bits() - hostBits(cur, r.last());
      out.add(new Cidr(cur, prefix));
      IpAddress end = cur.fill(prefix);
      if (end.equals(r.last())) {
        return;
      }
      cur = end.next().orElseThrow();
    }
  }

  /**
   * The host bits of the largest block that starts at {@code cur} (aligned: no more than its
   * trailing zero bits) and ends at or before {@code last} (no more than log2 of the count).
   */
  static int hostBits(IpAddress cur, IpAddress last) {
    int width = cur.bits();
    int tz;
    if (cur.lo() != 0) {
      tz = Long.numberOfTrailingZeros(cur.lo());
    } else if (cur.v6() && cur.hi() != 0) {
      tz = 64 + Long.numberOfTrailingZeros(cur.hi());
    } else {
      tz = width;
    }
    // count = last - cur + 1 as an unsigned 128-bit number (hi, lo); 2^128 wraps to (0, 0).
    long dlo = last.lo() - cur.lo();
    long dhi = last.hi() - cur.hi() - (Long.compareUnsigned(last.lo(), cur.lo()) < 0 ? 1 : 0);
    long nlo = dlo + 1;
    long nhi = dhi + (nlo == 0 ? 1 : 0);
    int log;
    if (nhi == 0 && nlo == 0) {
      log = 128;
    } else if (nhi != 0) {
      log = 127 - Long.numberOfLeadingZeros(nhi);
    } else {
      log = 63 - Long.numberOfLeadingZeros(nlo);
    }
    return Math.min(Math.min(tz, log), width);
  }

  @Override
  public int compareTo(AddressSet o) {
    int n = Math.min(elements.size(), o.elements.size());
    for (int i = 0; i < n; i++) {
      int c = elements.get(i).compareTo(o.elements.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(elements.size(), o.elements.size());
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof AddressSet && ((AddressSet) o).hash == hash && ((AddressSet) o).elements.equals(elements);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** The elements, comma-separated ({@code <none>} when empty). */
  @Override
  public String toString() {
    if (elements.isEmpty()) {
      return "<none>";
    }
    StringBuilder sb = new StringBuilder();
    for (Cidr c : elements) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
