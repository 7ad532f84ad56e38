package dev.netpolc.backend.nftables.sim;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The data types a set key component or a match can have, with their nft type names. */
public enum KeyType {
  IPV4_ADDR("ipv4_addr", "IPv4 address"),
  IPV6_ADDR("ipv6_addr", "IPv6 address"),
  INET_PROTO("inet_proto", "Internet protocol"),
  INET_SERVICE("inet_service", "internet network service"),
  IFNAME("ifname", "network interface name"),
  CT_STATE("ct_state", "conntrack state"),
  NFPROTO("nf_proto", "netfilter protocol"),
  ICMPV6_TYPE("icmpv6_type", "ICMPv6 type");

  /** Interface names are at most 15 bytes (IFNAMSIZ 16 with the terminating NUL). */
  public static final int IFNAME_MAX = 15;

  private final String typeName;
  private final String description;

  KeyType(String typeName, String description) {
    this.typeName = typeName;
    this.description = description;
  }

  /** The name used in {@code type ...} declarations. */
  public String typeName() {
    return typeName;
  }

  /** The name nft uses in its error messages. */
  public String description() {
    return description;
  }

  /** The type declared as {@code name} in a set, if the subset supports it. */
  public static Optional<KeyType> ofTypeName(String name) {
    for (KeyType t : values()) {
      if (t.typeName.equals(name) && t != NFPROTO) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** True for types whose values may form prefixes (addresses). */
  public boolean allowsPrefix() {
    return this == IPV4_ADDR || this == IPV6_ADDR;
  }

  /** Width in bits of the type's values. */
  public int bits() {
    switch (this) {
      case IPV4_ADDR:
        return 32;
      case IPV6_ADDR:
      case IFNAME:
        return 128;
      case INET_PROTO:
      case NFPROTO:
      case ICMPV6_TYPE:
        return 8;
      case INET_SERVICE:
        return 16;
      default:
        return 32;
    }
  }

  /** An interface name as a key: its bytes, NUL-padded to 16, big-endian. */
  public static Value128 ifname(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 16; i++) {
      long v = i < b.length ? b[i] & 0xFF : 0;
      if (i < 8) {
        hi = (hi << 8) | v;
      } else {
        lo = (lo << 8) | v;
      }
    }
    return new Value128(hi, lo);
  }
}
