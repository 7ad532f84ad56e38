package dev.netpolc.backend.nftables.sim;

import dev.netpolc.model.IpAddress;
import java.util.Optional;

/**
 * The packet fields a rule can match on, with their type and the implicit dependency nft adds:
 * {@code ip saddr} only matches IPv4 packets, {@code tcp dport} only TCP packets, and so on.
 * When the dependency fails the match fails, whether it is negated or not, as in the kernel.
 */
public enum Selector {
  IP_SADDR("ip saddr", KeyType.IPV4_ADDR),
  IP_DADDR("ip daddr", KeyType.IPV4_ADDR),
  IP_PROTOCOL("ip protocol", KeyType.INET_PROTO),
  IP6_SADDR("ip6 saddr", KeyType.IPV6_ADDR),
  IP6_DADDR("ip6 daddr", KeyType.IPV6_ADDR),
  META_L4PROTO("meta l4proto", KeyType.INET_PROTO),
  META_NFPROTO("meta nfproto", KeyType.NFPROTO),
  TH_SPORT("th sport", KeyType.INET_SERVICE),
  TH_DPORT("th dport", KeyType.INET_SERVICE),
  TCP_SPORT("tcp sport", KeyType.INET_SERVICE),
  TCP_DPORT("tcp dport", KeyType.INET_SERVICE),
  UDP_SPORT("udp sport", KeyType.INET_SERVICE),
  UDP_DPORT("udp dport", KeyType.INET_SERVICE),
  SCTP_SPORT("sctp sport", KeyType.INET_SERVICE),
  SCTP_DPORT("sctp dport", KeyType.INET_SERVICE),
  CT_STATE("ct state", KeyType.CT_STATE),
  ICMPV6_TYPE("icmpv6 type", KeyType.ICMPV6_TYPE),
  /**
   * The transport header's first 16 bits as a raw payload match ({@code @th,0,16}): the ICMP and
   * ICMPv6 type and code ({@code type * 256 + code}, as a connection's port carries them), the
   * source port of port-carrying protocols. Values are plain 16-bit numbers.
   */
  TH_RAW16("@th,0,16", KeyType.INET_SERVICE),
  IIFNAME("iifname", KeyType.IFNAME),
  OIFNAME("oifname", KeyType.IFNAME);

  /** NFPROTO_IPV4 and NFPROTO_IPV6, the values of {@code meta nfproto}. */
  public static final int NFPROTO_IPV4 = 2;
  /** NFPROTO_IPV6. */
  public static final int NFPROTO_IPV6 = 10;

  private final String text;
  private final KeyType type;

  Selector(String text, KeyType type) {
    this.text = text;
    this.type = type;
  }

  /** The nft spelling, e.g. {@code ip saddr}. */
  public String text() {
    return text;
  }

  /** The type of the field's values. */
  public KeyType type() {
    return type;
  }

  /** The network protocol this selector implies: "ip", "ip6", or empty for both. */
  public Optional<String> networkProtocol() {
    switch (this) {
      case IP_SADDR:
      case IP_DADDR:
      case IP_PROTOCOL:
        return Optional.of("ip");
      case IP6_SADDR:
      case IP6_DADDR:
        return Optional.of("ip6");
      default:
        return Optional.empty();
    }
  }

  /** The transport protocol header this selector reads ("tcp", "udp", "sctp"), if it names one. */
  public Optional<String> transportProtocol() {
    switch (this) {
      case TCP_SPORT:
      case TCP_DPORT:
        return Optional.of("tcp");
      case UDP_SPORT:
      case UDP_DPORT:
        return Optional.of("udp");
      case SCTP_SPORT:
      case SCTP_DPORT:
        return Optional.of("sctp");
      default:
        return Optional.empty();
    }
  }

  /** True for protocols whose header starts with 16-bit source and destination ports. */
  static boolean hasPorts(int l4proto) {
    // TCP, UDP, SCTP, UDP-Lite, DCCP.
    return l4proto == 6 || l4proto == 17 || l4proto == 132 || l4proto == 136 || l4proto == 33;
  }

  /**
   * The field's value in {@code p}, or empty when the packet lacks the field (wrong family,
   * wrong protocol, no interface): then every match on it fails.
   */
  public Optional<Value128> extract(Packet p) {
    switch (this) {
      case IP_SADDR:
        return p.v6() ? Optional.empty() : Optional.of(address(p.saddr()));
      case IP_DADDR:
        return p.v6() ? Optional.empty() : Optional.of(address(p.daddr()));
      case IP_PROTOCOL:
        return p.v6() ? Optional.empty() : Optional.of(Value128.of(p.l4proto()));
      case IP6_SADDR:
        return p.v6() ? Optional.of(address(p.saddr())) : Optional.empty();
      case IP6_DADDR:
        return p.v6() ? Optional.of(address(p.daddr())) : Optional.empty();
      case META_L4PROTO:
        return Optional.of(Value128.of(p.l4proto()));
      case META_NFPROTO:
        return Optional.of(Value128.of(p.v6() ? NFPROTO_IPV6 : NFPROTO_IPV4));
      case TH_SPORT:
        return hasPorts(p.l4proto()) ? sport(p) : Optional.empty();
      case TH_DPORT:
        return hasPorts(p.l4proto()) ? Optional.of(Value128.of(p.dport())) : Optional.empty();
      case TCP_SPORT:
        return p.l4proto() == 6 ? sport(p) : Optional.empty();
      case TCP_DPORT:
        return p.l4proto() == 6 ? Optional.of(Value128.of(p.dport())) : Optional.empty();
      case UDP_SPORT:
        return p.l4proto() == 17 ? sport(p) : Optional.empty();
      case UDP_DPORT:
        return p.l4proto() == 17 ? Optional.of(Value128.of(p.dport())) : Optional.empty();
      case SCTP_SPORT:
        return p.l4proto() == 132 ? sport(p) : Optional.empty();
      case SCTP_DPORT:
        return p.l4proto() == 132 ? Optional.of(Value128.of(p.dport())) : Optional.empty();
      case CT_STATE:
        return Optional.of(Value128.of(p.ctState().bit()));
      case TH_RAW16:
        if (hasPorts(p.l4proto())) {
          return sport(p);
        }
        // A policy connection of ICMP carries type * 256 + code as its port: the header's first
        // two bytes. Other protocols' headers are unknown to the simulator: the match fails.
        return p.l4proto() == 1 || p.l4proto() == 58 ? Optional.of(Value128.of(p.dport())) : Optional.empty();
      case ICMPV6_TYPE:
        // nft adds the dependency "meta l4proto ipv6-icmp" (protocol 58).
        return p.l4proto() == 58 && p.icmpType().isPresent()
            ? Optional.of(Value128.of(p.icmpType().getAsInt())) : Optional.empty();
      case IIFNAME:
        return p.iifname().map(KeyType::ifname);
      case OIFNAME:
        return p.oifname().map(KeyType::ifname);
      default:
        throw new AssertionError(this);
    }
  }

  private static Optional<Value128> sport(Packet p) {
    return p.sport().isPresent() ? Optional.of(Value128.of(p.sport().getAsInt())) : Optional.empty();
  }

  /** An address as a key component. */
  public static Value128 address(IpAddress a) {
    return new Value128(a.hi(), a.lo());
  }
}
