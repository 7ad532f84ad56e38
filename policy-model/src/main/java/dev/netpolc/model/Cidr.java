package dev.netpolc.model;

import java.util.Optional;

/**
 * A normalised CIDR block: an address with every host bit cleared and a prefix length.
 *
 * @param address the network address (host bits zero)
 * @param prefix  the prefix length, 0..32 or 0..128
 */
public record Cidr(IpAddress address, int prefix) implements Comparable<Cidr> {

  public Cidr {
    if (prefix < 0 || prefix > address.bits()) {
      throw new IllegalArgumentException("prefix out of range: " + prefix);
    }
    if (!address.mask(prefix).equals(address)) {
      throw new IllegalArgumentException("host bits set: " + address + "/" + prefix);
    }
  }

  /**
   * What parsing a CIDR text found: the normalised block and the irregularities that the API
   * server's strict validation rejects and netpolc warns about.
   *
   * @param cidr         the block with host bits cleared
   * @param hostBitsSet  the text had host bits set ({@code 10.0.0.1/24})
   * @param leadingZeros an IPv4 octet had a leading zero
   * @param ipv4Mapped   the address is IPv4-mapped IPv6
   */
  public record Parsed(Cidr cidr, boolean hostBitsSet, boolean leadingZeros, boolean ipv4Mapped) {}

  /** Parses {@code addr/len}; empty when the text is no CIDR at all. */
  public static Optional<Parsed> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1 || slash != text.lastIndexOf('/')) {
      return Optional.empty();
    }
    String len = text.substring(slash + 1);
    if (len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    Optional<IpAddress> addr = IpAddress.tryParse(text.substring(0, slash));
    if (addr.isEmpty()) {
      return Optional.empty();
    }
    int prefix = Integer.parseInt(len);
    if (prefix > addr.get().bits()) {
      return Optional.empty();
    }
    IpAddress masked = addr.get().mask(prefix);
    return Optional.of(new Parsed(new Cidr(masked, prefix), !masked.equals(addr.get()),
        IpAddress.hasLeadingZeros(text.substring(0, slash)), addr.get().isIpv4Mapped()));
  }

  /** Parses and normalises, throwing {@link IllegalArgumentException} when invalid. */
  public static Cidr of(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException("invalid CIDR: " + text)).cidr();
  }

  /** The single-address block of {@code address}. */
  public static Cidr host(IpAddress address) {
    return new Cidr(address, address.bits());
  }

  /** True for IPv6 blocks. */
  public boolean v6() {
    return address.v6();
  }

  /** The first address of the block. */
  public IpAddress first() {
    return address;
  }

  /** The last address of the block. */
  public IpAddress last() {
    return address.fill(prefix);
  }

  /** True when {@code ip} lies in this block (same family, same prefix bits). */
  public boolean contains(IpAddress ip) {
    return ip.v6() == address.v6() && ip.mask(prefix).equals(address);
  }

  /** True when {@code other} lies entirely within this block. */
  public boolean contains(Cidr other) {
    return other.prefix >= prefix && contains(other.address);
  }

  @Override
  public int compareTo(Cidr o) {
    int c = address.compareTo(o.address);
    return c != 0 ? c : Integer.compare(prefix, o.prefix);
  }

  @Override
  public String toString() {
    return address + "/" + prefix;
  }
}
