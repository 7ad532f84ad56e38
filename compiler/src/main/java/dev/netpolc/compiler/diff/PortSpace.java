package dev.netpolc.compiler.diff;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A set of (protocol, value) pairs over every IP protocol, with values as in
 * {@link PortSet#domain}: per port-carrying protocol (TCP, UDP, SCTP) a list of disjoint,
 * non-adjacent port ranges (always merged); per other protocol that is told apart
 * ({@link #protocols()}: ICMP and ICMPv6 with {@code type * 256 + code} ranges, another protocol
 * wholly or not at all) its ranges; and one flag for every remaining protocol without ports,
 * which policies do not tell apart ({@link #portless()}). NetworkPolicy never tells ICMP or
 * another protocol apart, so its spaces have no {@link #protocols()}. Immutable, equal by
 * content: a protocol is listed only where it differs from the flag.
 */
public final class PortSpace {
  /** Nothing. */
  public static final PortSpace EMPTY = new PortSpace(ImmutableSortedMap.of(), ImmutableSortedMap.of(), false);
  /** Every protocol and port. */
  public static final PortSpace ALL = all();

  private final ImmutableSortedMap<Protocol, ImmutableList<PortRange>> ranges;
  private final ImmutableSortedMap<Integer, ImmutableList<PortRange>> protocols;
  private final boolean portless;

  private PortSpace(ImmutableSortedMap<Protocol, ImmutableList<PortRange>> ranges,
      ImmutableSortedMap<Integer, ImmutableList<PortRange>> protocols, boolean portless) {
    this.ranges = ranges;
    this.protocols = protocols;
    this.portless = portless;
  }

  private static PortSpace all() {
    ImmutableSortedMap.Builder<Protocol, ImmutableList<PortRange>> b = ImmutableSortedMap.naturalOrder();
    for (Protocol p : Protocol.values()) {
      b.put(p, ImmutableList.of(PortRange.ALL));
    }
    return new PortSpace(b.build(), ImmutableSortedMap.of(), true);
  }

  /** The given ranges (any order, may overlap) and portless flag, merged. */
  public static PortSpace of(Map<Protocol, ? extends List<PortRange>> byProtocol, boolean portless) {
    return of(byProtocol, Map.of(), portless);
  }

  /**
   * The given port ranges, the values of other protocols that are told apart (keyed by protocol
   * number; a port-carrying protocol's number is refused here), and the flag for every other
   * protocol without ports, merged.
   *
   * @throws IllegalArgumentException for a protocol number of TCP, UDP or SCTP in {@code others},
   *     one outside 0-255, or a range outside the protocol's values
   */
  public static PortSpace of(Map<Protocol, ? extends List<PortRange>> byProtocol,
      Map<Integer, ? extends List<PortRange>> others, boolean portless) {
    Map<Protocol, ImmutableList<PortRange>> m = new EnumMap<>(Protocol.class);
    byProtocol.forEach((p, rs) -> {
      ImmutableList<PortRange> merged = merge(rs);
      if (!merged.isEmpty()) {
        m.put(p, merged);
      }
    });
    TreeMap<Integer, ImmutableList<PortRange>> o = new TreeMap<>();
    others.forEach((proto, rs) -> {
      if (Protocol.ofNumber(proto).isPresent()) {
        throw new IllegalArgumentException("protocol " + proto + " carries ports: give it by Protocol");
      }
      PortRange dom = PortSet.domain(proto);
      for (PortRange r : rs) {
        if (r.from() < dom.from() || r.to() > dom.to()) {
          throw new IllegalArgumentException("range " + r + " outside protocol " + proto + "'s values " + dom);
        }
      }
      ImmutableList<PortRange> merged = merge(rs);
      // Listed only where it differs from what the flag says of every unlisted protocol.
      if (!merged.equals(portless ? ImmutableList.of(dom) : ImmutableList.of())) {
        o.put(proto, merged);
      }
    });
    return new PortSpace(ImmutableSortedMap.copyOf(m), ImmutableSortedMap.copyOf(o), portless);
  }

  /** One port of one protocol. */
  public static PortSpace single(Protocol protocol, int port) {
    return of(Map.of(protocol, List.of(PortRange.of(port))), false);
  }

  /** Only the portless protocols. */
  public static PortSpace portlessOnly() {
    return new PortSpace(ImmutableSortedMap.of(), ImmutableSortedMap.of(), true);
  }

  /** Merged ranges per protocol (protocols with none are absent). */
  public ImmutableSortedMap<Protocol, ImmutableList<PortRange>> ranges() {
    return ranges;
  }

  /**
   * The protocols without ports (by number) whose values are told apart from the
   * {@link #portless()} flag: ICMP and ICMPv6 type/code ranges ({@code type * 256 + code}), or
   * another protocol as {@code [0]} (in) or empty (out). Empty for every NetworkPolicy diff.
   */
  public ImmutableSortedMap<Integer, ImmutableList<PortRange>> protocols() {
    return protocols;
  }

  /** True when the protocols without ports that {@link #protocols()} does not list are in the set. */
  public boolean portless() {
    return portless;
  }

  /** True when nothing is in the set. */
  public boolean isEmpty() {
    return ranges.isEmpty() && !portless && protocols.values().stream().allMatch(List::isEmpty);
  }

  /**
   * True when a connection with this IP protocol number and value (the port, {@code type * 256 +
   * code} for ICMP, 0 for other protocols) is in the set.
   */
  public boolean contains(int protocolNumber, int port) {
    java.util.Optional<Protocol> p = Protocol.ofNumber(protocolNumber);
    ImmutableList<PortRange> rs;
    if (p.isPresent()) {
      rs = ranges.get(p.get());
    } else {
      rs = protocols.get(protocolNumber);
      if (rs == null) {
        return portless;
      }
    }
    if (rs == null) {
      return false;
    }
    for (PortRange r : rs) {
      if (r.contains(port)) {
        return true;
      }
    }
    return false;
  }

  /** The union. */
  public PortSpace union(PortSpace o) {
    return combine(o, Op.OR);
  }

  /** The intersection. */
  public PortSpace intersect(PortSpace o) {
    return combine(o, Op.AND);
  }

  /** What is in this set and not in {@code o}. */
  public PortSpace minus(PortSpace o) {
    return combine(o, Op.AND_NOT);
  }

  private enum Op {
    OR, AND, AND_NOT;

    boolean apply(boolean a, boolean b) {
      switch (this) {
        case OR:
          return a || b;
        case AND:
          return a && b;
        default:
          return a && !b;
      }
    }
  }

  private PortSpace combine(PortSpace o, Op op) {
    Map<Protocol, List<PortRange>> m = new EnumMap<>(Protocol.class);
    for (Protocol p : Protocol.values()) {
      List<PortRange> a = ranges.getOrDefault(p, ImmutableList.of());
      List<PortRange> b = o.ranges.getOrDefault(p, ImmutableList.of());
      if (a.isEmpty() && b.isEmpty()) {
        continue;
      }
      m.put(p, sweep(a, b, op));
    }
    Map<Integer, List<PortRange>> others = new TreeMap<>();
    TreeSet<Integer> listed = new TreeSet<>(protocols.keySet());
    listed.addAll(o.protocols.keySet());
    for (int proto : listed) {
      others.put(proto, sweep(valuesOf(proto), o.valuesOf(proto), op));
    }
    return of(m, others, op.apply(portless, o.portless));
  }

  /** The values of a protocol without ports: as listed, else all or none by the flag. */
  private List<PortRange> valuesOf(int proto) {
    ImmutableList<PortRange> rs = protocols.get(proto);
    if (rs != null) {
      return rs;
    }
    return portless ? List.of(PortSet.domain(proto)) : List.of();
  }

  /** Evaluates {@code op} on every elementary interval between the boundaries of both lists. */
  private static List<PortRange> sweep(List<PortRange> a, List<PortRange> b, Op op) {
    TreeSet<Integer> points = new TreeSet<>();
    for (List<PortRange> l : List.of(a, b)) {
      for (PortRange r : l) {
        points.add(r.from());
        points.add(r.to() + 1);
      }
    }
    List<PortRange> out = new ArrayList<>();
    Integer[] ps = points.toArray(new Integer[0]);
    for (int i = 0; i + 1 < ps.length; i++) {
      int from = ps[i];
      if (op.apply(in(a, from), in(b, from))) {
        out.add(new PortRange(from, ps[i + 1] - 1));
      }
    }
    return out;
  }

  private static boolean in(List<PortRange> rs, int port) {
    for (PortRange r : rs) {
      if (r.contains(port)) {
        return true;
      }
    }
    return false;
  }

  private static ImmutableList<PortRange> merge(List<? extends PortRange> rs) {
    List<PortRange> sorted = new ArrayList<>(rs);
    sorted.sort(null);
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

  @Override
  public boolean equals(Object o) {
    return o instanceof PortSpace && ((PortSpace) o).portless == portless && ((PortSpace) o).ranges.equals(ranges)
        && ((PortSpace) o).protocols.equals(protocols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ranges, protocols, portless);
  }

  /**
   * {@code TCP 80, 8000-8080; UDP 53; ICMP and other portless protocols}; with protocols told
   * apart {@code ICMP 8, 3/1; proto 47; other portless protocols} (ICMP whole types, or
   * type/code; a protocol the flag includes but this set does not is {@code ICMP none});
   * {@code all ports and protocols} for {@link #ALL}; {@code nothing} when empty.
   */
  @Override
  public String toString() {
    if (equals(ALL)) {
      return "all ports and protocols";
    }
    if (isEmpty()) {
      return "nothing";
    }
    StringBuilder sb = new StringBuilder();
    ranges.forEach((p, rs) -> {
      sb.append(sb.length() > 0 ? "; " : "").append(p.name()).append(' ');
      if (rs.size() == 1 && rs.get(0).equals(PortRange.ALL)) {
        sb.append("all ports");
        return;
      }
      for (int i = 0; i < rs.size(); i++) {
        PortRange r = rs.get(i);
        sb.append(i > 0 ? ", " : "").append(r.from() == r.to() ? Integer.toString(r.from()) : r.from() + "-" + r.to());
      }
    });
    protocols.forEach((proto, rs) -> {
      sb.append(sb.length() > 0 ? "; " : "").append(PortSet.protocolName(proto));
      if (rs.isEmpty()) {
        sb.append(" none");
      } else if (PortSet.isIcmp(proto)) {
        for (int i = 0; i < rs.size(); i++) {
          sb.append(i > 0 ? ", " : " ").append(icmp(rs.get(i)));
        }
      } else if (!rs.equals(List.of(PortSet.domain(proto)))) {
        // A port-carrying protocol netpolc has no Protocol for (UDP-Lite): its port ranges.
        for (int i = 0; i < rs.size(); i++) {
          PortRange r = rs.get(i);
          sb.append(i > 0 ? ", " : " ").append(r.from() == r.to() ? Integer.toString(r.from()) : r.from() + "-" + r.to());
        }
      }
    });
    if (portless) {
      boolean icmpApart = protocols.containsKey(Protocol.ICMP) || protocols.containsKey(Protocol.ICMPV6);
      sb.append(sb.length() > 0 ? "; " : "").append(icmpApart ? "other portless protocols"
          : "ICMP and other portless protocols");
    }
    return sb.toString();
  }

  /** {@code 8} (a whole type), {@code 3-5} (whole types), {@code 3/1}, or {@code 3/1-3/4}. */
  private static String icmp(PortRange r) {
    int t1 = r.from() >> 8;
    int c1 = r.from() & 0xff;
    int t2 = r.to() >> 8;
    int c2 = r.to() & 0xff;
    if (c1 == 0 && c2 == 255) {
      return t1 == t2 ? Integer.toString(t1) : t1 + "-" + t2;
    }
    return r.from() == r.to() ? t1 + "/" + c1 : t1 + "/" + c1 + "-" + t2 + "/" + c2;
  }
}
