package dev.netpolc.backend.iptables.sim;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.IpAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides {@link Connection}s from the filter tables of both families, for comparison with the
 * reference evaluator. The first packet of a new connection (conntrack state NEW, no ICMP type)
 * takes the kernel's path: OUTPUT when the source is a node address, INPUT when the
 * destination is, both over loopback, FORWARD otherwise; it is allowed when every chain on the
 * path accepts it. A family without a ruleset accepts everything.
 */
public final class IptablesSimulator implements ConnectionDecider {
  private final Optional<IptInterpreter> v4;
  private final Optional<IptInterpreter> v6;
  private final ImmutableSet<IpAddress> nodeAddresses;

  /** A simulator of the given rulesets on a node owning {@code nodeAddresses}. */
  public IptablesSimulator(Optional<IptRuleset> v4, Optional<IptRuleset> v6, Set<IpAddress> nodeAddresses) {
    this.v4 = v4.map(IptInterpreter::new);
    this.v6 = v6.map(IptInterpreter::new);
    this.nodeAddresses = ImmutableSet.copyOf(nodeAddresses);
  }

  /** The built-in chains the first packet of {@code c} traverses, in order. */
  public List<Hook> path(Connection c) {
    boolean fromNode = nodeAddresses.contains(c.source());
    boolean toNode = nodeAddresses.contains(c.destination());
    if (fromNode && toNode) {
      return ImmutableList.of(Hook.OUTPUT, Hook.INPUT);
    }
    if (fromNode) {
      return ImmutableList.of(Hook.OUTPUT);
    }
    if (toNode) {
      return ImmutableList.of(Hook.INPUT);
    }
    return ImmutableList.of(Hook.FORWARD);
  }

  /** The verdict for {@code p} on the path of {@code c}: the first that is not ACCEPT. */
  public Verdict verdict(Connection c, Packet p) {
    Optional<IptInterpreter> in = c.source().v6() ? v6 : v4;
    if (in.isEmpty()) {
      return Verdict.ACCEPT;
    }
    for (Hook h : path(c)) {
      Verdict v = in.get().evaluate(h, p);
      if (v != Verdict.ACCEPT) {
        return v;
      }
    }
    return Verdict.ACCEPT;
  }

  @Override
  public boolean allows(Connection c) {
    return verdict(c, Packet.newConnection(c.source(), c.destination(), c.protocol(), c.port()))
        == Verdict.ACCEPT;
  }
}
