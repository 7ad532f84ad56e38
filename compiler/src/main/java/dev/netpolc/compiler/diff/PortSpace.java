package dev.netpolc.compiler.diff;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A set of (protocol, destination port) pairs: per port-carrying protocol a list of disjoint,
 * non-adjacent port ranges (always merged), plus one flag for every protocol without ports
 * (ICMP and the rest, which NetworkPolicy cannot tell apart). Immutable, equal by content.
 */
public final class PortSpace {
  /** Nothing. */
  public static final PortSpace EMPTY = new PortSpace(ImmutableSortedMap.of(), false);
  /** Every protocol and port. */
  public static final PortSpace ALL = all();

  private final ImmutableSortedMap<Protocol, ImmutableList<PortRange>> ranges;
  private final boolean portless;

  private PortSpace(ImmutableSortedMap<Protocol, ImmutableList<PortRange>> ranges, boolean portless) {
    this.ranges = ranges;
    this.portless = portless;
  }

  private static PortSpace all() {
    ImmutableSortedMap.Builder<Protocol, ImmutableList<PortRange>> b = ImmutableSortedMap.naturalOrder();
    for (Protocol p : Protocol.values()) {
      b.put(p, ImmutableList.of(PortRange.ALL));
    }
    return new PortSpace(b.build(), true);
  }

  /** The given ranges (any order, may overlap) and portless flag, merged. */
  public static PortSpace of(Map<Protocol, ? extends List<PortRange>> byProtocol, boolean portless) {
    Map<Protocol, ImmutableList<PortRange>> m = new EnumMap<>(Protocol.class);
    byProtocol.forEach((p, rs) -> {
      ImmutableList<PortRange> merged = merge(rs);
      if (!merged.isEmpty()) {
        m.put(p, merged);
      }
    });
    return new PortSpace(ImmutableSortedMap.copyOf(m), portless);
  }

  /** One port of one protocol. */
  public static PortSpace single(Protocol protocol, int port) {
    return of(Map.of(protocol, List.of(PortRange.of(port))), false);
  }

  /** Only the portless protocols. */
  public static PortSpace portlessOnly() {
    return new PortSpace(ImmutableSortedMap.of(), true);
  }

  /** Merged ranges per protocol (protocols with none are absent). */
  public ImmutableSortedMap<Protocol, ImmutableList<PortRange>> ranges() {
    return ranges;
  }

  /** True when protocols without ports (ICMP, …) are in the set. */
  public boolean portless() {
    return portless;
  }

  /** True when nothing is in the set. */
  public boolean isEmpty() {
    return ranges.isEmpty() && !portless;
  }

  /** True when a connection with this IP protocol number and port (0 if portless) is in the set. */
  public boolean contains(int protocolNumber, int port) {
    java.util.Optional<Protocol> p = Protocol.ofNumber(protocolNumber);
    if (p.isEmpty()) {
      return portless;
    }
    ImmutableList<PortRange> rs = ranges.get(p.get());
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
    return of(m, op.apply(portless, o.portless));
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
    return o instanceof PortSpace && ((PortSpace) o).portless == portless && ((PortSpace) o).ranges.equals(ranges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ranges, portless);
  }

  /**
   * {@code TCP 80, 8000-8080; UDP 53; ICMP and other portless protocols}; {@code all ports and
   * protocols} for {@link #ALL}; {@code nothing} when empty.
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
    if (portless) {
      sb.append(sb.length() > 0 ? "; " : "").append("ICMP and other portless protocols");
    }
    return sb.toString();
  }
}
