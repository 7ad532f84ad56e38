package dev.netpolc.backend.nftables.sim;

import dev.netpolc.model.IpAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A packet as the interpreter sees it.
 *
 * @param saddr   source address
 * @param daddr   destination address (same family)
 * @param l4proto IP protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, 58 ICMPv6, ...)
 * @param sport   source port, when known; a {@code sport} match on an unknown port fails
 * @param dport   destination port; {@code type * 256 + code} for ICMP and ICMPv6 (as in a policy
 *                connection); 0 for other protocols
 * @param ctState the conntrack state of the packet
 * @param iifname input interface, absent where the hook has none (then iifname matches fail)
 * @param oifname output interface, absent where the hook has none
 * @param icmpType the ICMP/ICMPv6 type, absent for other protocols and for policy connections
 *                 (a connection the policies decide carries no type; neighbour discovery does)
 */
public record Packet(IpAddress saddr, IpAddress daddr, int l4proto, OptionalInt sport, int dport,
    CtState ctState, Optional<String> iifname, Optional<String> oifname, OptionalInt icmpType) {

  /** A packet without an ICMP type. */
  public Packet(IpAddress saddr, IpAddress daddr, int l4proto, OptionalInt sport, int dport,
      CtState ctState, Optional<String> iifname, Optional<String> oifname) {
    this(saddr, daddr, l4proto, sport, dport, ctState, iifname, oifname, OptionalInt.empty());
  }

  public Packet {
    Objects.requireNonNull(saddr, "saddr");
    Objects.requireNonNull(daddr, "daddr");
    Objects.requireNonNull(sport, "sport");
    Objects.requireNonNull(ctState, "ctState");
    Objects.requireNonNull(iifname, "iifname");
    Objects.requireNonNull(oifname, "oifname");
    Objects.requireNonNull(icmpType, "icmpType");
    if (icmpType.isPresent() && (icmpType.getAsInt() < 0 || icmpType.getAsInt() > 255)) {
      throw new IllegalArgumentException("ICMP type out of range");
    }
    if (saddr.v6() != daddr.v6()) {
      throw new IllegalArgumentException("source and destination of different families");
    }
    if (l4proto < 0 || l4proto > 255) {
      throw new IllegalArgumentException("protocol out of range: " + l4proto);
    }
    if (dport < 0 || dport > 65535 || (sport.isPresent() && (sport.getAsInt() < 0 || sport.getAsInt() > 65535))) {
      throw new IllegalArgumentException("port out of range");
    }
  }

  /** A packet of a new connection without interface names or source port. */
  public static Packet newConnection(IpAddress saddr, IpAddress daddr, int l4proto, int dport) {
    return new Packet(saddr, daddr, l4proto, OptionalInt.empty(), dport, CtState.NEW,
        Optional.empty(), Optional.empty());
  }

  /** True for an IPv6 packet. */
  public boolean v6() {
    return saddr.v6();
  }

  /** This packet with another conntrack state. */
  public Packet withCtState(CtState state) {
    return new Packet(saddr, daddr, l4proto, sport, dport, state, iifname, oifname, icmpType);
  }

  /** This packet with interface names. */
  public Packet withInterfaces(Optional<String> in, Optional<String> out) {
    return new Packet(saddr, daddr, l4proto, sport, dport, ctState, in, out, icmpType);
  }

  /** This packet with an ICMP/ICMPv6 type (0..255). */
  public Packet withIcmpType(int type) {
    return new Packet(saddr, daddr, l4proto, sport, dport, ctState, iifname, oifname, OptionalInt.of(type));
  }
}
