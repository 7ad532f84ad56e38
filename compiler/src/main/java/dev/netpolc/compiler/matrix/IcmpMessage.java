package dev.netpolc.compiler.matrix;

import dev.netpolc.compiler.Connection;

/**
 * The ICMP message a reachability probe sends instead of a port: ICMP between IPv4 addresses,
 * ICMPv6 between IPv6 ones (a message is of one family; a pair without addresses of it is
 * unreachable).
 *
 * @param v6   true for ICMPv6, false for ICMP
 * @param type the ICMP type, 0..255
 * @param code the ICMP code, 0..255
 */
public record IcmpMessage(boolean v6, int type, int code) implements Comparable<IcmpMessage> {
  public IcmpMessage {
    if (type < 0 || type > 255 || code < 0 || code > 255) {
      throw new IllegalArgumentException("ICMP type " + type + " code " + code + " out of range 0-255");
    }
  }

  /** The echo request (ping) of the family: ICMP type 8, ICMPv6 type 128, code 0. */
  public static IcmpMessage echoRequest(boolean v6) {
    return new IcmpMessage(v6, v6 ? Connection.ICMPV6_ECHO_REQUEST : Connection.ICMP_ECHO_REQUEST, 0);
  }

  /** {@code ICMP} or {@code ICMPv6}. */
  public String protocolName() {
    return v6 ? "ICMPv6" : "ICMP";
  }

  /** ICMP before ICMPv6, then by type, then by code. */
  @Override
  public int compareTo(IcmpMessage o) {
    int c = Boolean.compare(v6, o.v6);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(type, o.type);
    return c != 0 ? c : Integer.compare(code, o.code);
  }

  /** E.g. {@code ICMP type 8 code 0}. */
  @Override
  public String toString() {
    return protocolName() + " type " + type + " code " + code;
  }
}
