package dev.netpolc.compiler.ir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The protocols and destination ports a rule matches: either every protocol (a rule without
 * {@code ports}, which matches ICMP too), or per port-carrying protocol number a list of port
 * ranges. Like {@link AddressSet}, equality is by representation; the literal translation may
 * list adjacent or overlapping ranges separately, {@link #canonical()} merges them, and the
 * {@code port-merge} pass applies it. Set operations return canonical sets.
 */
public final class PortSet implements Comparable<PortSet> {
  /** Every protocol and port. */
  public static final PortSet ALL_PROTOCOLS = new PortSet(true, ImmutableSortedMap.of());
  /** Nothing. */
  public static final PortSet EMPTY = new PortSet(false, ImmutableSortedMap.of());

  private final boolean allProtocols;
  private final ImmutableSortedMap<Integer, ImmutableList<PortRange>> byProtocol;

  private PortSet(boolean allProtocols, ImmutableSortedMap<Integer, ImmutableList<PortRange>> byProtocol) {
    this.allProtocols = allProtocols;
    this.byProtocol = byProtocol;
  }

  /** A set of ranges per protocol number, sorted and de-duplicated (adjacent ranges kept apart). */
  public static PortSet of(Map<Integer, ? extends List<PortRange>> ranges) {
    TreeMap<Integer, ImmutableList<PortRange>> m = new TreeMap<>();
    ranges.forEach((proto, rs) -> {
      if (Protocol.ofNumber(proto).isEmpty()) {
        throw new IllegalArgumentException("protocol " + proto + " carries no ports");
      }
      List<PortRange> sorted = new ArrayList<>(rs);
      sorted.sort(null);
      List<PortRange> distinct = new ArrayList<>();
      for (PortRange r : sorted) {
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

  /** One range of one protocol. */
  public static PortSet of(Protocol protocol, PortRange range) {
    return of(Map.of(protocol.number(), List.of(range)));
  }

  /** True for the set of every protocol. */
  public boolean allProtocols() {
    return allProtocols;
  }

  /** Port ranges by protocol number (empty when {@link #allProtocols()}). */
  public ImmutableSortedMap<Integer, ImmutableList<PortRange>> byProtocol() {
    return byProtocol;
  }

  /** True when nothing matches. */
  public boolean isEmpty() {
    return !allProtocols && byProtocol.isEmpty();
  }

  /** The number of elements a backend renders: the ranges, or 1 for every protocol. */
  public int elementCount() {
    if (allProtocols) {
      return 1;
    }
    int n = 0;
    for (ImmutableList<PortRange> rs : byProtocol.values()) {
      n += rs.size();
    }
    return n;
  }

  /** True when a connection with this protocol number and destination port (0 if none) matches. */
  public boolean matches(int protocol, int port) {
    if (allProtocols) {
      return true;
    }
    ImmutableList<PortRange> rs = byProtocol.get(protocol);
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

  /** The same ports with overlapping and adjacent ranges merged. */
  public PortSet canonical() {
    if (allProtocols || isMinimal()) {
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

  /** True when both sets match the same (protocol, port) pairs. */
  public boolean samePorts(PortSet other) {
    return canonical().equals(other.canonical());
  }

  /** The union (canonical). */
  public PortSet union(PortSet other) {
    if (allProtocols || other.allProtocols) {
      return ALL_PROTOCOLS;
    }
    TreeMap<Integer, List<PortRange>> m = new TreeMap<>();
    for (PortSet s : List.of(this, other)) {
      s.byProtocol.forEach((proto, rs) -> m.computeIfAbsent(proto, k -> new ArrayList<>()).addAll(rs));
    }
    return of(m).canonical();
  }

  /** True when every (protocol, port) of {@code other} is in this set. */
  public boolean containsAll(PortSet other) {
    if (allProtocols) {
      return true;
    }
    if (other.allProtocols) {
      return false;
    }
    PortSet mine = canonical();
    for (Map.Entry<Integer, ImmutableList<PortRange>> e : other.byProtocol.entrySet()) {
      ImmutableList<PortRange> have = mine.byProtocol.get(e.getKey());
      if (have == null) {
        return false;
      }
      for (PortRange r : e.getValue()) {
        boolean inside = false;
        for (PortRange h : have) {
          if (h.from() <= r.from() && r.to() <= h.to()) {
            inside = true;
            break;
          }
        }
        if (!inside) {
          return false;
        }
      }
    }
    return true;
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

  @Override
  public int compareTo(PortSet o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortSet && ((PortSet) o).allProtocols == allProtocols
        && ((PortSet) o).byProtocol.equals(byProtocol);
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(allProtocols) * 31 + byProtocol.hashCode();
  }

  /** {@code any} or {@code TCP 80, 8000-8080; UDP 53}. */
  @Override
  public String toString() {
    if (allProtocols) {
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
      sb.append(Protocol.ofNumber(proto).map(Enum::name).orElse("proto " + proto)).append(' ');
      for (int i = 0; i < rs.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(rs.get(i));
      }
    });
    return sb.toString();
  }
}
