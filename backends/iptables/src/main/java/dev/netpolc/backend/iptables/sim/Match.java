package dev.netpolc.backend.iptables.sim;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.List;
import java.util.Set;

/** One condition of an iptables rule; {@code negated} inverts it ({@code !}). */
public sealed interface Match {

  /** True when {@code p} satisfies the condition. */
  boolean test(Packet p);

  /** {@code -s} / {@code -d}. */
  record Address(boolean source, Cidr cidr, boolean negated) implements Match {
    @Override
    public boolean test(Packet p) {
      IpAddress a = source ? p.src() : p.dst();
      return (a.v6() == cidr.v6() && cidr.contains(a)) != negated;
    }
  }

  /** {@code -p}: a protocol number, or 0 for {@code all}. */
  record Protocol(int proto, boolean negated) implements Match {
    @Override
    public boolean test(Packet p) {
      return (proto == 0 || p.proto() == proto) != negated;
    }
  }

  /** {@code -m conntrack --ctstate}. */
  record CtState(Set<String> states, boolean negated) implements Match {
    public CtState {
      states = ImmutableSet.copyOf(states);
    }

    @Override
    public boolean test(Packet p) {
      return states.contains(p.ctState()) != negated;
    }
  }

  /** {@code -m set --match-set NAME src|dst[,...]}: {@code source[i]} says which address is key i. */
  record SetLookup(IpSet set, List<Boolean> source, boolean negated) implements Match {
    public SetLookup {
      source = ImmutableList.copyOf(source);
    }

    @Override
    public boolean test(Packet p) {
      List<IpAddress> keys = source.stream().map(s -> s ? p.src() : p.dst()).toList();
      boolean familyOk = keys.stream().allMatch(k -> k.v6() == set.v6());
      return (familyOk && set.contains(keys)) != negated;
    }
  }

  /** {@code --dport} / {@code -m multiport --dports}; packets without ports never match. */
  record DestinationPorts(List<PortRange> ranges, boolean negated) implements Match {
    public DestinationPorts {
      ranges = ImmutableList.copyOf(ranges);
    }

    @Override
    public boolean test(Packet p) {
      if (p.proto() != 6 && p.proto() != 17 && p.proto() != 132) {
        return false;
      }
      return ranges.stream().anyMatch(r -> r.contains(p.dport())) != negated;
    }
  }

  /** {@code -m mark --mark value/mask}: the masked packet mark equals the value. */
  record Mark(int value, int mask, boolean negated) implements Match {
    @Override
    public boolean test(Packet p) {
      return ((p.mark() & mask) == value) != negated;
    }
  }

  /**
   * {@code -m icmp6 --icmpv6-type T[/C]} / {@code -m icmp --icmp-type T[/C]}; {@code code} -1
   * for every code. The packet's type is its ICMP type when it has one, else (the first packet
   * of a policy connection) the type its {@code dport} carries ({@code type * 256 + code}); the
   * code is always the low byte of {@code dport}.
   */
  record IcmpType(int proto, int type, int code, boolean negated) implements Match {
    /** Any code of {@code type}. */
    public IcmpType(int proto, int type, boolean negated) {
      this(proto, type, -1, negated);
    }

    @Override
    public boolean test(Packet p) {
      if (p.proto() != proto) {
        return false;
      }
      int t = p.icmpType().isPresent() ? p.icmpType().getAsInt() : p.dport() >> 8;
      return (t == type && (code < 0 || (p.dport() & 0xFF) == code)) != negated;
    }
  }

  /**
   * {@code -m u32 --u32 "6&0xFF=..."}: the IPv4 header's protocol byte is in one of the ranges.
   * The simulator reads only this u32 test and {@link U32TransportHead}; u32 exists for IPv4 only.
   */
  record U32Protocol(List<PortRange> ranges, boolean negated) implements Match {
    public U32Protocol {
      ranges = ImmutableList.copyOf(ranges);
    }

    @Override
    public boolean test(Packet p) {
      return !p.src().v6() && ranges.stream().anyMatch(r -> r.contains(p.proto())) != negated;
    }
  }

  /**
   * {@code -m u32 --u32 "0>>22&0x3C@0>>16=..."}: the transport header's first 16 bits (after the
   * IPv4 header, whatever its length) are in one of the ranges: {@code type * 256 + code} of an
   * ICMP message (a policy connection's {@code dport}, or its type with code 0), the source port
   * of other protocols, which the simulator does not know (no match).
   */
  record U32TransportHead(List<PortRange> ranges, boolean negated) implements Match {
    public U32TransportHead {
      ranges = ImmutableList.copyOf(ranges);
    }

    @Override
    public boolean test(Packet p) {
      if (p.src().v6() || !(p.proto() == 1 || p.proto() == 58)) {
        return false;
      }
      int v = p.icmpType().isPresent() ? p.icmpType().getAsInt() << 8 | (p.dport() & 0xFF) : p.dport();
      return ranges.stream().anyMatch(r -> r.contains(v)) != negated;
    }
  }
}
