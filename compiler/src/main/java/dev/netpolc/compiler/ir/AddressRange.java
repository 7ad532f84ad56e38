package dev.netpolc.compiler.ir;

import dev.netpolc.model.IpAddress;
import java.util.Objects;

/**
 * A closed range of addresses of one family, {@code first ≤ last}.
 *
 * @param first the first address
 * @param last  the last address (same family)
 */
public record AddressRange(IpAddress first, IpAddress last) implements Comparable<AddressRange> {
  public AddressRange {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    if (first.v6() != last.v6() || first.compareTo(last) > 0) {
      throw new IllegalArgumentException("bad range " + first + "-" + last);
    }
  }

  /** True when {@code ip} lies in this range. */
  public boolean contains(IpAddress ip) {
    return first.compareTo(ip) <= 0 && ip.compareTo(last) <= 0;
  }

  @Override
  public int compareTo(AddressRange o) {
    int c = first.compareTo(o.first);
    return c != 0 ? c : last.compareTo(o.last);
  }

  @Override
  public String toString() {
    return first.equals(last) ? first.toString() : first + "-" + last;
  }
}
