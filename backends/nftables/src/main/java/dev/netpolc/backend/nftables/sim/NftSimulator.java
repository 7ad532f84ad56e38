package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides {@link Connection}s from an nftables ruleset, for comparison with the reference
 * evaluator. The first packet of a new connection (ct state new, no interface names, no source
 * port) follows the kernel's path through the hooks:
 * <ul>
 *   <li>source is a node address: output, postrouting (locally generated);</li>
 *   <li>destination is a node address: prerouting, input (locally delivered);</li>
 *   <li>both: output, postrouting, prerouting, input (over loopback);</li>
 *   <li>neither: prerouting, forward, postrouting (routed or bridged through the node).</li>
 * </ul>
 * The connection is allowed when every hook on the path accepts the packet (a base chain's
 * {@code policy accept} included).
 */
public final class NftSimulator implements ConnectionDecider {

  private final NftInterpreter interpreter;
  private final ImmutableSet<IpAddress> nodeAddresses;

  /** A simulator of {@code ruleset} on a node owning {@code nodeAddresses}. */
  public NftSimulator(Ruleset ruleset, Set<IpAddress> nodeAddresses) {
    this.interpreter = new NftInterpreter(Objects.requireNonNull(ruleset, "ruleset"));
    this.nodeAddresses = ImmutableSet.copyOf(nodeAddresses);
  }

  /** The hooks the first packet of {@code c} traverses, in order. */
  public List<Hook> path(Connection c) {
    boolean fromNode = nodeAddresses.contains(c.source());
    boolean toNode = nodeAddresses.contains(c.destination());
    if (fromNode && toNode) {
      return ImmutableList.of(Hook.OUTPUT, Hook.POSTROUTING, Hook.PREROUTING, Hook.INPUT);
    }
    if (fromNode) {
      return ImmutableList.of(Hook.OUTPUT, Hook.POSTROUTING);
    }
    if (toNode) {
      return ImmutableList.of(Hook.PREROUTING, Hook.INPUT);
    }
    return ImmutableList.of(Hook.PREROUTING, Hook.FORWARD, Hook.POSTROUTING);
  }

  /** The verdict for the first packet of {@code c}: the first non-accept verdict on its path. */
  public Verdict verdict(Connection c) {
    Packet p = Packet.newConnection(c.source(), c.destination(), c.protocol(), c.port());
    for (Hook h : path(c)) {
      Verdict v = interpreter.evaluate(h, p);
      if (v != Verdict.ACCEPT) {
        return v;
      }
    }
    return Verdict.ACCEPT;
  }

  /**
   * The verdict for the first packet of {@code c} and the prefixes of the {@code log} statements
   * it reached on its path, in order (a drop ends the path).
   *
   * @param verdict the verdict, as {@link #verdict(Connection)}
   * @param logs    the log prefixes, as written (with the trailing {@code ": "})
   */
  public record Trace(Verdict verdict, List<String> logs) {
    public Trace {
      Objects.requireNonNull(verdict, "verdict");
      logs = List.copyOf(logs);
    }
  }

  /** The verdict for the first packet of {@code c} with the logs it produced. */
  public Trace trace(Connection c) {
    Packet p = Packet.newConnection(c.source(), c.destination(), c.protocol(), c.port());
    List<String> logs = new java.util.ArrayList<>();
    for (Hook h : path(c)) {
      Verdict v = interpreter.evaluate(h, p, logs);
      if (v != Verdict.ACCEPT) {
        return new Trace(v, logs);
      }
    }
    return new Trace(Verdict.ACCEPT, logs);
  }

  @Override
  public boolean allows(Connection c) {
    return verdict(c) == Verdict.ACCEPT;
  }
}
