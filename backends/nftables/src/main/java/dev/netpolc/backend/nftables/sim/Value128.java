package dev.netpolc.backend.nftables.sim;

/**
 * One component of a set key as an unsigned 128-bit number, so that addresses, protocols, ports
 * and interface names all order and compare the same way in interval lookups.
 *
 * @param hi the high 64 bits (unsigned)
 * @param lo the low 64 bits (unsigned)
 */
public record Value128(long hi, long lo) implements Comparable<Value128> {

  /** The smallest value. */
  public static final Value128 ZERO = new Value128(0, 0);

  /** A small non-negative value. */
  public static Value128 of(long value) {
    return new Value128(0, value);
  }

  @Override
  public int compareTo(Value128 o) {
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }

  /** True when this value is strictly greater than {@code o}. */
  public boolean greaterThan(Value128 o) {
    return compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return hi == 0 ? Long.toUnsignedString(lo) : String.format("0x%016x%016x", hi, lo);
  }
}
