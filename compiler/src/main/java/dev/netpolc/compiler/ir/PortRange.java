package dev.netpolc.compiler.ir;

/**
 * A closed range of 16-bit values, {@code 0 ≤ from ≤ to ≤ 65535}: destination ports (which
 * start at 1), ICMP {@code type * 256 + code} values, or 0 for protocols without ports (see
 * {@link PortSet#domain(int)}).
 *
 * @param from the first port
 * @param to   the last port
 */
public record PortRange(int from, int to) implements Comparable<PortRange> {
  /** Every port (1–65535). */
  public static final PortRange ALL = new PortRange(1, 65535);

  public PortRange {
    if (from < 0 || to > 65535 || from > to) {
      throw new IllegalArgumentException("bad port range " + from + "-" + to);
    }
  }

  /** The single value {@code p}. */
  public static PortRange of(int p) {
    return new PortRange(p, p);
  }

  /** True when {@code port} lies in this range. */
  public boolean contains(int port) {
    return from <= port && port <= to;
  }

  @Override
  public int compareTo(PortRange o) {
    return from != o.from ? Integer.compare(from, o.from) : Integer.compare(to, o.to);
  }

  @Override
  public String toString() {
    return from == to ? Integer.toString(from) : from + "-" + to;
  }
}
