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

  /** {@code -m icmp6 --icmpv6-type N} / {@code -m icmp --icmp-type N}. */
  record IcmpType(int proto, int type, boolean negated) implements Match {
    @Override
    public boolean test(Packet p) {
      if (p.proto() != proto || p.icmpType().isEmpty()) {
        return false;
      }
      return (p.icmpType().getAsInt() == type) != negated;
    }
  }
}
