package dev.netpolc.compiler.ir;

import com.google.common.collect.BoundType;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.Range;
import com.google.common.collect.RangeSet;
import com.google.common.collect.TreeRangeSet;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The protocols and values a rule matches, over every IP protocol number 0–255.
 *
 * <p>Each protocol has a value space, its {@linkplain #domain(int) domain}: the destination port
 * for the port-carrying protocols (TCP, UDP, SCTP: 1–65535), {@code type * 256 + code}
 * for ICMP and ICMPv6 (0–65535, the {@code Connection} encoding), and the single value 0 for every
 * other protocol (a connection of such a protocol carries no port, so a rule matches all of it or
 * none of it). UDP-Lite is one of those: no supported input can name its ports (Calico accepts
 * ports only with TCP, UDP and SCTP), so it is matched as a whole protocol, like
 * {@code Connection} models it.
 *
 * <p>A set lists ranges per protocol in {@link #byProtocol()}; when {@link #otherProtocols()} is
 * true every protocol that is <em>not</em> listed matches wholly, which is how complements such as
 * Calico's {@code notProtocol} stay small ("every protocol but TCP" is {@code {TCP: none}} plus
 * other protocols). {@link #ALL_PROTOCOLS} is the set of everything (a NetworkPolicy rule without
 * {@code ports}, which matches ICMP too).
 *
 * <p>Like {@link AddressSet}, equality is by representation: the literal translation may list
 * adjacent or overlapping ranges separately, {@link #canonical()} merges them, and the
 * {@code port-merge} pass applies it. Set operations return canonical sets. A set with
 * {@code otherProtocols} is always canonical and never lists a protocol whole.
 */
public final class PortSet implements Comparable<PortSet> {
  /** Every protocol and port. */
  public static final PortSet ALL_PROTOCOLS = new PortSet(true, ImmutableSortedMap.of());
  /** Nothing. */
  public static final PortSet EMPTY = new PortSet(false, ImmutableSortedMap.of());

  /** IP protocol number of UDP-Lite, matched as a whole protocol (see the class comment). */
  public static final int UDPLITE = 136;

  private static final PortRange PORTS = PortRange.ALL;
  private static final PortRange SIXTEEN_BITS = new PortRange(0, 65535);
  private static final PortRange ZERO = new PortRange(0, 0);

  private final boolean otherProtocols;
  private final ImmutableSortedMap<Integer, ImmutableList<PortRange>> byProtocol;

  private PortSet(boolean otherProtocols, ImmutableSortedMap<Integer, ImmutableList<PortRange>> byProtocol) {
    this.otherProtocols = otherProtocols;
    this.byProtocol = byProtocol;
  }

  /** True when {@code protocol}'s values are destination ports (TCP, UDP, SCTP). */
  public static boolean carriesPorts(int protocol) {
    return Protocol.ofNumber(protocol).isPresent();
  }

  /** True for ICMP and ICMPv6, whose value is {@code type * 256 + code}. */
  public static boolean isIcmp(int protocol) {
    return protocol == Protocol.ICMP || protocol == Protocol.ICMPV6;
  }

  /** Every value a connection of {@code protocol} can have (see the class comment). */
  public static PortRange domain(int protocol) {
    checkProtocol(protocol);
    if (carriesPorts(protocol)) {
      return PORTS;
    }
    return isIcmp(protocol) ? SIXTEEN_BITS : ZERO;
  }

  /**
   * A set of ranges per protocol number, sorted and de-duplicated (adjacent ranges kept apart),
   * matching nothing of an unlisted protocol.
   *
   * @throws IllegalArgumentException for a protocol outside 0–255 or a range outside its domain
   */
  public static PortSet of(Map<Integer, ? extends List<PortRange>> ranges) {
    TreeMap<Integer, ImmutableList<PortRange>> m = new TreeMap<>();
    ranges.forEach((proto, rs) -> {
      PortRange dom = domain(proto);
      List<PortRange> sorted = new ArrayList<>(rs);
      sorted.sort(null);
      List<PortRange> distinct = new ArrayList<>();
      for (PortRange r : sorted) {
        if (r.from() < dom.from() || r.to() > dom.to()) {
          throw new IllegalArgumentException("range " + r + " outside protocol " + proto + "'s values " + dom);
        }
        if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(r)) {
          distinct.add(r);
        }
      }
      if (!distinct.isEmpty()) {
        m.put(proto, ImmutableList.copyOf(distinct));
      }
    });
    return m.isEmpty() ? EMPTY : new PortSet(false, ImmutableSortedMap.copyOf(m));
  }

  /**
   * The general form: the listed ranges per protocol, and when {@code otherProtocols} every
   * unlisted protocol wholly. The result is canonical.
   */
  public static PortSet of(Map<Integer, ? extends List<PortRange>> ranges, boolean otherProtocols) {
    if (!otherProtocols) {
      return of(ranges).canonical();
    }
    TreeMap<Integer, RangeSet<Integer>> m = new TreeMap<>();
    ranges.forEach((proto, rs) -> {
      PortRange dom = domain(proto);
      RangeSet<Integer> set = TreeRangeSet.create();
      for (PortRange r : rs) {
        if (r.from() < dom.from() || r.to() > dom.to()) {
          throw new IllegalArgumentException("range " + r + " outside protocol " + proto + "'s values " + dom);
        }
        set.add(closed(r));
      }
      m.put(proto, set);
    });
    return build(m, true);
  }

  /** One range of one protocol. */
  public static PortSet of(Protocol protocol, PortRange range) {
    return of(Map.of(protocol.number(), List.of(range)));
  }

  /** Every value of one protocol (all its ports, every ICMP type and code, or the whole protocol). */
  public static PortSet wholeProtocol(int protocol) {
    return of(Map.of(protocol, List.of(domain(protocol))));
  }

  /** True for the set of every protocol. */
  public boolean allProtocols() {
    return otherProtocols && byProtocol.isEmpty();
  }

  /** True when every protocol not listed in {@link #byProtocol()} matches wholly. */
  public boolean otherProtocols() {
    return otherProtocols;
  }

  /**
   * Ranges by protocol number. Empty for {@link #allProtocols()}; a protocol listed with no
   * ranges (only when {@link #otherProtocols()}) is excluded.
   */
  public ImmutableSortedMap<Integer, ImmutableList<PortRange>> byProtocol() {
    return byProtocol;
  }

  /** True when every listed protocol carries ports, as in every NetworkPolicy-derived set. */
  public boolean portProtocolsOnly() {
    if (otherProtocols) {
      return false;
    }
    for (int proto : byProtocol.keySet()) {
      if (!carriesPorts(proto)) {
        return false;
      }
    }
    return true;
  }

  /** True when nothing matches. */
  public boolean isEmpty() {
    return !otherProtocols && byProtocol.isEmpty();
  }

  /** The number of elements a backend renders: the ranges, plus 1 for the other protocols. */
  public int elementCount() {
    int n = otherProtocols ? 1 : 0;
    for (ImmutableList<PortRange> rs : byProtocol.values()) {
      n += rs.size();
    }
    return n;
  }

  /**
   * True when a connection with this protocol number and value matches: the destination port,
   * {@code type * 256 + code} for ICMP, 0 for other protocols.
   */
  public boolean matches(int protocol, int port) {
    ImmutableList<PortRange> rs = byProtocol.get(protocol);
    if (rs == null) {
      return otherProtocols;
    }
    for (PortRange r : rs) {
      if (r.contains(port)) {
        return true;
      }
    }
    return false;
  }

  /** The same values with overlapping and adjacent ranges merged. */
  public PortSet canonical() {
    if (otherProtocols || isMinimal()) {
      return this;
    }
    TreeMap<Integer, ImmutableList<PortRange>> m = new TreeMap<>();
    byProtocol.forEach((proto, rs) -> m.put(proto, merge(rs)));
    return new PortSet(false, ImmutableSortedMap.copyOf(m));
  }

  /** True when no two ranges of a protocol overlap or touch. */
  public boolean isMinimal() {
    for (ImmutableList<PortRange> rs : byProtocol.values()) {
      for (int i = 1; i < rs.size(); i++) {
        if (rs.get(i).from() <= rs.get(i - 1).to() + 1) {
          return false;
        }
      }
    }
    return true;
  }

  /** True when both sets match the same (protocol, value) pairs. */
  public boolean samePorts(PortSet other) {
    return canonical().equals(other.canonical());
  }

  /** The union (canonical). */
  public PortSet union(PortSet other) {
    if (allProtocols() || other.allProtocols()) {
      return ALL_PROTOCOLS;
    }
    if (!otherProtocols && !other.otherProtocols) {
      TreeMap<Integer, List<PortRange>> m = new TreeMap<>();
      for (PortSet s : List.of(this, other)) {
        s.byProtocol.forEach((proto, rs) -> m.computeIfAbsent(proto, k -> new ArrayList<>()).addAll(rs));
      }
      return of(m).canonical();
    }
    return combine(other, true);
  }

  /** The intersection (canonical). */
  public PortSet intersection(PortSet other) {
    return combine(other, false);
  }

  /** Every (protocol, value) this set does not match (canonical). */
  public PortSet complement() {
    TreeMap<Integer, RangeSet<Integer>> m = new TreeMap<>();
    byProtocol.forEach((proto, rs) -> m.put(proto, rangeSet(proto, this).complement()
        .subRangeSet(closed(domain(proto)))));
    return build(m, !otherProtocols);
  }

  /** The values of this set that {@code other} does not match (canonical). */
  public PortSet minus(PortSet other) {
    return intersection(other.complement());
  }

  /** True when every (protocol, value) of {@code other} is in this set. */
  public boolean containsAll(PortSet other) {
    if (allProtocols()) {
      return true;
    }
    if (other.otherProtocols && !otherProtocols) {
      return false;
    }
    TreeSet<Integer> protos = new TreeSet<>(byProtocol.keySet());
    protos.addAll(other.byProtocol.keySet());
    for (int proto : protos) {
      if (!rangeSet(proto, this).enclosesAll(rangeSet(proto, other))) {
        return false;
      }
    }
    return true;
  }

  private PortSet combine(PortSet other, boolean union) {
    TreeSet<Integer> protos = new TreeSet<>(byProtocol.keySet());
    protos.addAll(other.byProtocol.keySet());
    TreeMap<Integer, RangeSet<Integer>> m = new TreeMap<>();
    for (int proto : protos) {
      RangeSet<Integer> a = rangeSet(proto, this);
      RangeSet<Integer> b = rangeSet(proto, other);
      RangeSet<Integer> r = TreeRangeSet.create(a);
      if (union) {
        r.addAll(b);
      } else {
        r.removeAll(b.complement());
      }
      m.put(proto, r);
    }
    return build(m, union ? otherProtocols || other.otherProtocols : otherProtocols && other.otherProtocols);
  }

  /** The values of {@code proto} in {@code s}, as a range set over its domain. */
  private static RangeSet<Integer> rangeSet(int proto, PortSet s) {
    ImmutableList<PortRange> rs = s.byProtocol.get(proto);
    RangeSet<Integer> set = TreeRangeSet.create();
    if (rs == null) {
      if (s.otherProtocols) {
        set.add(closed(domain(proto)));
      }
      return set;
    }
    for (PortRange r : rs) {
      set.add(closed(r));
    }
    return set;
  }

  /** A canonical set from range sets per protocol. */
  private static PortSet build(Map<Integer, RangeSet<Integer>> m, boolean otherProtocols) {
    ImmutableSortedMap.Builder<Integer, ImmutableList<PortRange>> b = ImmutableSortedMap.naturalOrder();
    m.forEach((proto, set) -> {
      ImmutableList<PortRange> rs = ranges(set);
      boolean whole = rs.size() == 1 && rs.get(0).equals(domain(proto));
      if (otherProtocols ? !whole : !rs.isEmpty()) {
        b.put(proto, rs);
      }
    });
    ImmutableSortedMap<Integer, ImmutableList<PortRange>> map = b.build();
    if (map.isEmpty()) {
      return otherProtocols ? ALL_PROTOCOLS : EMPTY;
    }
    return new PortSet(otherProtocols, map);
  }

  private static ImmutableList<PortRange> ranges(RangeSet<Integer> set) {
    ImmutableList.Builder<PortRange> out = ImmutableList.builder();
    for (Range<Integer> r : set.asRanges()) {
      int from = r.lowerBoundType() == BoundType.CLOSED ? r.lowerEndpoint() : r.lowerEndpoint() + 1;
      int to = r.upperBoundType() == BoundType.CLOSED ? r.upperEndpoint() : r.upperEndpoint() - 1;
      if (from <= to) {
        out.add(new PortRange(from, to));
      }
    }
    return out.build();
  }

  private static Range<Integer> closed(PortRange r) {
    // closedOpen keeps adjacent ranges coalesced by TreeRangeSet (integers, not reals)
    return Range.closedOpen(r.from(), r.to() + 1);
  }

  private static void checkProtocol(int protocol) {
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("protocol " + protocol + " is not an IP protocol number (0-255)");
    }
  }

  private static ImmutableList<PortRange> merge(List<PortRange> sorted) {
    List<PortRange> out = new ArrayList<>();
    for (PortRange r : sorted) {
      if (!out.isEmpty() && r.from() <= out.get(out.size() - 1).to() + 1) {
        PortRange prev = out.get(out.size() - 1);
        out.set(out.size() - 1, new PortRange(prev.from(), Math.max(prev.to(), r.to())));
      } else {
        out.add(r);
      }
    }
    return ImmutableList.copyOf(out);
  }

  /** The display name of a protocol number: {@code TCP}, {@code ICMPv6}, {@code proto 47}. */
  public static String protocolName(int protocol) {
    if (protocol == Protocol.ICMP) {
      return "ICMP";
    }
    if (protocol == Protocol.ICMPV6) {
      return "ICMPv6";
    }
    if (protocol == UDPLITE) {
      return "UDPLite";
    }
    return Protocol.ofNumber(protocol).map(Enum::name).orElse("proto " + protocol);
  }

  @Override
  public int compareTo(PortSet o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortSet && ((PortSet) o).otherProtocols == otherProtocols
        && ((PortSet) o).byProtocol.equals(byProtocol);
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(otherProtocols) * 31 + byProtocol.hashCode();
  }

  /**
   * {@code any}, {@code TCP 80, 8000-8080; UDP 53}, {@code ICMP 8, 3/1} (whole types, or
   * type/code), {@code proto 47}, {@code TCP none; other protocols}.
   */
  @Override
  public String toString() {
    if (allProtocols()) {
      return "any";
    }
    if (byProtocol.isEmpty()) {
      return "<none>";
    }
    StringBuilder sb = new StringBuilder();
    byProtocol.forEach((proto, rs) -> {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(protocolName(proto));
      if (rs.isEmpty()) {
        sb.append(" none");
      } else if (carriesPorts(proto)) {
        sb.append(' ');
        for (int i = 0; i < rs.size(); i++) {
          sb.append(i > 0 ? ", " : "").append(rs.get(i));
        }
      } else if (isIcmp(proto)) {
        if (!rs.equals(List.of(SIXTEEN_BITS))) {
          sb.append(' ');
          for (int i = 0; i < rs.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(icmpText(rs.get(i)));
          }
        }
      }
    });
    if (otherProtocols) {
      sb.append("; other protocols");
    }
    return sb.toString();
  }

  private static String icmpText(PortRange r) {
    int ft = r.from() >> 8;
    int fc = r.from() & 0xff;
    int tt = r.to() >> 8;
    int tc = r.to() & 0xff;
    if (fc == 0 && tc == 255) {
      return ft == tt ? Integer.toString(ft) : ft + "-" + tt;
    }
    if (r.from() == r.to()) {
      return ft + "/" + fc;
    }
    return ft + "/" + fc + "-" + tt + "/" + tc;
  }
}
