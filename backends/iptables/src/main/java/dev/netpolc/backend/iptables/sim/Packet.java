package dev.netpolc.backend.iptables.sim;

import dev.netpolc.model.IpAddress;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The packet a simulated rule looks at.
 *
 * @param src      source address
 * @param dst      destination address
 * @param proto    IP protocol number
 * @param dport    destination port (0 without ports)
 * @param icmpType ICMP / ICMPv6 type, absent for other protocols and for policy connections
 * @param ctState  conntrack state: NEW, ESTABLISHED, RELATED, INVALID or UNTRACKED
 * @param mark     the packet mark ({@code skb->mark}), changed by MARK and SET targets
 */
public record Packet(IpAddress src, IpAddress dst, int proto, int dport, OptionalInt icmpType, String ctState,
    int mark) {
  public Packet {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(icmpType, "icmpType");
    Objects.requireNonNull(ctState, "ctState");
  }

  /** The first packet of a new connection. */
  public static Packet newConnection(IpAddress src, IpAddress dst, int proto, int dport) {
    return new Packet(src, dst, proto, dport, OptionalInt.empty(), "NEW", 0);
  }

  /** This packet in another conntrack state. */
  public Packet withCtState(String state) {
    return new Packet(src, dst, proto, dport, icmpType, state, mark);
  }

  /** This packet with an ICMP type. */
  public Packet withIcmpType(int type) {
    return new Packet(src, dst, proto, dport, OptionalInt.of(type), ctState, mark);
  }

  /** This packet with another mark. */
  public Packet withMark(int newMark) {
    return new Packet(src, dst, proto, dport, icmpType, ctState, newMark);
  }
}
