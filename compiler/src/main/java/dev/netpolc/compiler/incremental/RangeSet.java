package dev.netpolc.compiler.incremental;

import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mutable address set for one set role: maximal ranges keyed by their first address, so that
 * adding or removing one address costs O(log n) and reports exactly which CIDRs of the minimal
 * cover leave and which join (a /31 may become a /30: the /31 and the neighbour /32 leave).
 */
final class RangeSet {
  private static final IpAddress V4_FIRST = IpAddress.v4(0);
  private static final IpAddress V4_LAST = IpAddress.v4(0xFFFF_FFFFL);
  private static final IpAddress V6_FIRST = IpAddress.v6(0, 0);
  private static final IpAddress V6_LAST = IpAddress.v6(-1L, -1L);

  private final TreeMap<IpAddress, IpAddress> ranges = new TreeMap<>();
  private AddressSet snapshot;

  RangeSet(AddressSet content) {
    for (AddressRange r : content.ranges()) {
      ranges.put(r.first(), r.last());
    }
    this.snapshot = content;
  }

  /** True when {@code ip} is in the set. */
  boolean contains(IpAddress ip) {
    Map.Entry<IpAddress, IpAddress> e = ranges.floorEntry(ip);
    return e != null && e.getValue().compareTo(ip) >= 0 && e.getKey().v6() == ip.v6();
  }

  /** True when no address of the family is in the set. */
  boolean familyEmpty(boolean v6) {
    IpAddress k = ranges.ceilingKey(v6 ? V6_FIRST : V4_FIRST);
    return k == null || k.v6() != v6;
  }

  /** True when every address of the family is in the set. */
  boolean familyFull(boolean v6) {
    IpAddress last = ranges.get(v6 ? V6_FIRST : V4_FIRST);
    return last != null && last.equals(v6 ? V6_LAST : V4_LAST);
  }

  /** Adds {@code ip} (absent), recording the cover CIDRs that leave and join. */
  void add(IpAddress ip, List<Cidr> removed, List<Cidr> added) {
    IpAddress first = ip;
    IpAddress last = ip;
    Map.Entry<IpAddress, IpAddress> below = ip.previous().filter(p -> p.v6() == ip.v6())
        .map(ranges::floorEntry).orElse(null);
    if (below != null && below.getKey().v6() == ip.v6() && below.getValue().next().map(ip::equals).orElse(false)) {
      cover(below.getKey(), below.getValue(), removed);
      ranges.remove(below.getKey());
      first = below.getKey();
    }
    IpAddress after = ip.next().filter(n -> n.v6() == ip.v6()).orElse(null);
    if (after != null && ranges.containsKey(after)) {
      IpAddress end = ranges.remove(after);
      cover(after, end, removed);
      last = end;
    }
    ranges.put(first, last);
    cover(first, last, added);
    snapshot = null;
  }

  /** Removes {@code ip} (present), recording the cover CIDRs that leave and join. */
  void remove(IpAddress ip, List<Cidr> removed, List<Cidr> added) {
    Map.Entry<IpAddress, IpAddress> e = ranges.floorEntry(ip);
    IpAddress first = e.getKey();
    IpAddress last = e.getValue();
    ranges.remove(first);
    cover(first, last, removed);
    if (!first.equals(ip)) {
      IpAddress end = ip.previous().orElseThrow();
      ranges.put(first, end);
      cover(first, end, added);
    }
    if (!last.equals(ip)) {
      IpAddress start = ip.next().orElseThrow();
      ranges.put(start, last);
      cover(start, last, added);
    }
    snapshot = null;
  }

  /** The content as an immutable (minimal) set. */
  AddressSet toAddressSet() {
    if (snapshot == null) {
      List<AddressRange> rs = new ArrayList<>(ranges.size());
      ranges.forEach((f, l) -> rs.add(new AddressRange(f, l)));
      snapshot = AddressSet.ofRanges(rs);
    }
    return snapshot;
  }

  private static void cover(IpAddress first, IpAddress last, List<Cidr> out) {
    out.addAll(AddressSet.ofRanges(List.of(new AddressRange(first, last))).cidrs());
  }
}
