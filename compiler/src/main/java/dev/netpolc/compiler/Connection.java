package dev.netpolc.compiler;

import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A new connection as policy decides it: source and destination address, IP protocol number,
 * and destination port. ICMP and ICMPv6 have no ports; for them the {@code port} field carries
 * the message's type and code as {@code type * 256 + code} ({@link #icmp}), so that policies
 * that match ICMP types (Calico's {@code icmp}/{@code notICMP}) decide an echo request apart from
 * an error, and every layer that compares port ranges compares type/code ranges alike (Cilium's
 * policy maps key ICMP types by the port field the same way). NetworkPolicy cannot tell ICMP
 * messages apart, so for it the value is irrelevant.
 *
 * @param source      source address
 * @param destination destination address (same family as the source)
 * @param protocol    IP protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, 58 ICMPv6, …)
 * @param port        destination port, 1..65535 for TCP/UDP/SCTP; {@code type * 256 + code}
 *                    (0..65535) for ICMP and ICMPv6; 0 for every other protocol
 */
public record Connection(IpAddress source, IpAddress destination, int protocol, int port) {
  /** The ICMP echo request type (ping), for IPv4. */
  public static final int ICMP_ECHO_REQUEST = 8;
  /** The ICMPv6 echo request type (ping), for IPv6. */
  public static final int ICMPV6_ECHO_REQUEST = 128;

  public Connection {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (source.v6() != destination.v6()) {
      throw new IllegalArgumentException("source and destination of different families");
    }
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("protocol out of range: " + protocol);
    }
    boolean hasPorts = Protocol.ofNumber(protocol).isPresent();
    boolean bad = hasPorts ? port < 1 || port > 65535
        : isIcmpProtocol(protocol) ? port < 0 || port > 65535 : port != 0;
    if (bad) {
      throw new IllegalArgumentException("port " + port + " invalid for protocol " + protocol);
    }
  }

  /**
   * An ICMP message (ICMPv6 when the addresses are IPv6) of {@code type} (0..255) and
   * {@code code} (0..255).
   */
  public static Connection icmp(IpAddress source, IpAddress destination, int type, int code) {
    if (type < 0 || type > 255 || code < 0 || code > 255) {
      throw new IllegalArgumentException("ICMP type " + type + " code " + code + " out of range 0-255");
    }
    return new Connection(source, destination, source.v6() ? Protocol.ICMPV6 : Protocol.ICMP, type * 256 + code);
  }

  /** True for ICMP (1) and ICMPv6 (58), whose {@code port} field carries type and code. */
  public static boolean isIcmpProtocol(int protocol) {
    return protocol == Protocol.ICMP || protocol == Protocol.ICMPV6;
  }

  /** The ICMP type, for an ICMP or ICMPv6 connection. */
  public OptionalInt icmpType() {
    return isIcmpProtocol(protocol) ? OptionalInt.of(port >> 8) : OptionalInt.empty();
  }

  /** The ICMP code, for an ICMP or ICMPv6 connection. */
  public OptionalInt icmpCode() {
    return isIcmpProtocol(protocol) ? OptionalInt.of(port & 0xff) : OptionalInt.empty();
  }

  /** A TCP, UDP or SCTP connection. */
  public static Connection of(IpAddress source, IpAddress destination, Protocol protocol, int port) {
    return new Connection(source, destination, protocol.number(), port);
  }

  /** The port-carrying protocol, if this is one. */
  public Optional<Protocol> portProtocol() {
    return Protocol.ofNumber(protocol);
  }

  @Override
  public String toString() {
    if (isIcmpProtocol(protocol)) {
      String name = protocol == Protocol.ICMP ? "ICMP" : "ICMPv6";
      return source + " -> " + destination + " " + name + " type " + (port >> 8) + " code " + (port & 0xff);
    }
    String proto = portProtocol().map(Enum::name).orElse("proto " + protocol);
    return source + " -> " + destination + " " + proto + (port > 0 ? "/" + port : "");
  }
}
