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
 * path accepts it. At each hook the mangle table runs before filter, and the packet mark carries
 * from one to the next (and from hook to hook). A family without a ruleset accepts everything.
 */
public final class IptablesSimulator implements ConnectionDecider {
  private final Optional<IptInterpreter> v4;
  private final Optional<IptInterpreter> v6;
  private final Optional<IptInterpreter> mangle4;
  private final Optional<IptInterpreter> mangle6;
  private final int initialMark;
  private final ImmutableSet<IpAddress> nodeAddresses;

  /** A simulator of the given rulesets on a node owning {@code nodeAddresses}. */
  public IptablesSimulator(Optional<IptRuleset> v4, Optional<IptRuleset> v6, Set<IpAddress> nodeAddresses) {
    this(v4, v6, nodeAddresses, 0);
  }

  /**
   * A simulator whose packets arrive carrying {@code initialMark} (bits another program set):
   * decisions must not depend on it, and bits outside netpolc's mask must survive.
   */
  public IptablesSimulator(Optional<IptRuleset> v4, Optional<IptRuleset> v6, Set<IpAddress> nodeAddresses,
      int initialMark) {
    this.v4 = v4.map(IptInterpreter::new);
    this.v6 = v6.map(IptInterpreter::new);
    this.mangle4 = v4.filter(r -> !r.mangle().isEmpty()).map(r -> new IptInterpreter(r.mangleTable()));
    this.mangle6 = v6.filter(r -> !r.mangle().isEmpty()).map(r -> new IptInterpreter(r.mangleTable()));
    this.nodeAddresses = ImmutableSet.copyOf(nodeAddresses);
    this.initialMark = initialMark;
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
    return run(c, p).verdict();
  }

  /**
   * The verdict for {@code p} on the path of {@code c}, the packet (its mark) as it leaves, and
   * the prefixes of the {@code LOG} rules it hit.
   */
  public IptInterpreter.Result run(Connection c, Packet p) {
    Optional<IptInterpreter> in = c.source().v6() ? v6 : v4;
    Optional<IptInterpreter> mangle = c.source().v6() ? mangle6 : mangle4;
    Packet cur = p;
    if (in.isEmpty()) {
      return new IptInterpreter.Result(Verdict.ACCEPT, cur);
    }
    List<String> logs = new java.util.ArrayList<>();
    for (Hook h : path(c)) {
      for (IptInterpreter table : mangle.isPresent() ? List.of(mangle.get(), in.get()) : List.of(in.get())) {
        IptInterpreter.Result r = table.run(h, cur);
        cur = r.packet();
        logs.addAll(r.logs());
        if (r.verdict() != Verdict.ACCEPT) {
          return new IptInterpreter.Result(r.verdict(), cur, logs);
        }
      }
    }
    return new IptInterpreter.Result(Verdict.ACCEPT, cur, logs);
  }

  /**
   * The first packet of {@code c} on its path: the verdict and the prefixes of every {@code LOG}
   * rule it hit, over all hooks and tables, in order.
   */
  public IptInterpreter.Result trace(Connection c) {
    return run(c, firstPacket(c));
  }

  /** The first packet of {@code c}, carrying the initial mark. */
  public Packet firstPacket(Connection c) {
    return Packet.newConnection(c.source(), c.destination(), c.protocol(), c.port()).withMark(initialMark);
  }

  @Override
  public boolean allows(Connection c) {
    return verdict(c, firstPacket(c)) == Verdict.ACCEPT;
  }
}
