package dev.netpolc.backend.ebpf;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides a new connection from map entries alone, with the datapath's lookups (the README's
 * "Decision" section), for the first packet of a connection with no conntrack state:
 * <ol>
 *   <li>source equals destination (a pod to itself): pass;</li>
 *   <li>a local endpoint (an np_endpoints entry with a group) as destination, and as source an
 *       address with flag HOST (or, cluster-wide, an np_hostpods pair): pass (ingress from the
 *       pod's own node, every tier);</li>
 *   <li>a local source: its egress check, which for a destination that is its own node (HOST,
 *       or an np_hostpods pair) is the direction-2 check when its flags say
 *       {@code OWN_NODE_EGRESS} and nothing otherwise; a local destination: its ingress check;</li>
 *   <li>a check looks np_policy up when the direction is isolated or denies (else passes): the
 *       first of the four LPM lookups {@code (g, i, d, p, q)}, {@code (g, C, d, p, q)},
 *       {@code (g, i, d, 0, 0)}, {@code (g, C, d, 0, 0)} that finds an entry gives the verdict,
 *       where {@code i} is the peer's identity from np_ident4/np_ident6 and {@code C} the key of
 *       its class, {@code ~(i >> 24)} (an address without identity skips the two lookups that
 *       need it and uses class 0's key, "any peer"); when none finds one, an isolated
 *       direction denies and any other allows;</li>
 *   <li>the connection passes when every check passes.</li>
 * </ol>
 * Addresses not in np_endpoints are not checked: another node enforces them. The verdict's
 * value names the deciding rule ({@link #verdict}) and, when LOG rules matched on the way, the
 * log set the datapath counts and reports ({@link #trace}).
 *
 * <pre>{@code
 * ConnectionDecider d = new EbpfSimulator(maps);
 * boolean ok = d.allows(Connection.of(src, dst, Protocol.TCP, 80));
 * }</pre>
 */
public final class EbpfSimulator implements ConnectionDecider {
  private final LpmTable<Integer> ident4 = new LpmTable<>();
  private final LpmTable<Integer> ident6 = new LpmTable<>();
  private final Map<IpAddress, EndpointValue> endpoints = new HashMap<>();
  private final LpmTable<PolicyValue> policy = new LpmTable<>();
  private final Set<HostPodKey> hostPods = new HashSet<>();

  /** A simulator over {@code maps}. */
  public EbpfSimulator(EbpfMaps maps) {
    for (MapEntry<IdentityKey, IdentityValue> e : maps.ident4()) {
      ident4.put(e.key().prefix().prefix(), e.key().prefix().address().toBytes(), e.value().identity());
    }
    for (MapEntry<IdentityKey, IdentityValue> e : maps.ident6()) {
      ident6.put(e.key().prefix().prefix(), e.key().prefix().address().toBytes(), e.value().identity());
    }
    for (MapEntry<EndpointKey, EndpointValue> e : maps.endpoints()) {
      endpoints.put(e.key().address(), e.value());
    }
    for (MapEntry<PolicyKey, PolicyValue> e : maps.policy()) {
      policy.put(e.key().prefixLength(), e.key().data(), e.value());
    }
    for (MapEntry<HostPodKey, HostPodValue> e : maps.hostPods()) {
      hostPods.add(e.key());
    }
  }

  @Override
  public boolean allows(Connection c) {
    return evaluate(c, null);
  }

  /**
   * A verdict and the log sets the datapath reports for it.
   *
   * @param allowed whether the connection passes, as {@link #allows(Connection)}
   * @param logSets the non-zero log set ids ({@link LogSets}) of the verdicts looked up, in order
   *                (the source's egress check, then the destination's ingress check)
   */
  public record Trace(boolean allowed, List<Integer> logSets) {
    public Trace {
      logSets = List.copyOf(logSets);
    }
  }

  /** The verdict for {@code c} and the log sets the datapath would count and report. */
  public Trace trace(Connection c) {
    List<Integer> logs = new ArrayList<>();
    boolean allowed = evaluate(c, logs);
    return new Trace(allowed, logs);
  }

  private boolean evaluate(Connection c, List<Integer> logs) {
    if (c.source().equals(c.destination())) {
      return true;
    }
    EndpointValue src = local(c.source());
    EndpointValue dst = local(c.destination());
    if (dst != null && isHostOf(c.source(), c.destination())) {
      return true;
    }
    if (src != null) {
      boolean ownNode = isHostOf(c.destination(), c.source());
      if (!check(src, Direction.EGRESS, ownNode, c.destination(), c, logs)) {
        return false;
      }
    }
    return dst == null || check(dst, Direction.INGRESS, false, c.source(), c, logs);
  }

  /** The endpoint entry of a local endpoint at {@code ip}, or null (absent, or a node address). */
  private EndpointValue local(IpAddress ip) {
    EndpointValue v = endpoints.get(ip);
    return v != null && v.isEndpoint() ? v : null;
  }

  private boolean isHostOf(IpAddress host, IpAddress pod) {
    EndpointValue v = endpoints.get(host);
    return (v != null && v.isHost()) || hostPods.contains(new HostPodKey(host, pod));
  }

  /** One direction of one local endpoint: passes unless its verdict is not ALLOW; its log set goes to {@code logs}. */
  private boolean check(EndpointValue e, Direction d, boolean ownNode, IpAddress peer, Connection c,
      List<Integer> logs) {
    Optional<PolicyValue> v = verdict(e, d, ownNode, peer, c);
    if (logs != null && v.isPresent() && v.get().logs() != 0) {
      logs.add(v.get().logs());
    }
    return v.map(x -> x.action() == Action.ALLOW).orElse(true);
  }

  /**
   * The verdict of one direction of one local endpoint, as the datapath reaches it: empty when
   * nothing is looked up; else the first of the four lookups (identity, class key; each with the
   * port, then for every protocol) that finds an entry, or the
   * direction's miss value ({@link PolicyValue#ISOLATION_DENY} when isolated, else
   * {@link PolicyValue#DEFAULT_ALLOW}). Its rule field names the deciding rule of the graph.
   *
   * @param ownNode the peer is the endpoint's own node (egress only: direction 2)
   */
  Optional<PolicyValue> verdict(EndpointValue e, Direction d, boolean ownNode, IpAddress peer, Connection c) {
    boolean isolated = !ownNode && e.isolated(d);
    if (!(ownNode ? e.ownNodeEgress() : isolated || e.denies(d))) {
      return Optional.empty();
    }
    Optional<Integer> identity = (peer.v6() ? ident6 : ident4).lookup(peer.bits(), peer.toBytes());
    // The port, ICMP's type * 256 + code, or 0 for other protocols: what the datapath puts in the key.
    int q = c.port();
    List<PolicyKey> lookups = new ArrayList<>();
    identity.ifPresent(i -> lookups.add(PolicyKey.lookup(e.group(), i, d, ownNode, c.protocol(), q)));
    int classKey = identity.map(Identities::classKeyOf).orElse(PolicyKey.ANY_PEER);
    lookups.add(PolicyKey.lookup(e.group(), classKey, d, ownNode, c.protocol(), q));
    identity.ifPresent(i -> lookups.add(PolicyKey.lookup(e.group(), i, d, ownNode, 0, 0)));
    lookups.add(PolicyKey.lookup(e.group(), classKey, d, ownNode, 0, 0));
    for (PolicyKey k : lookups) {
      // Every lookup uses prefix length 96 and the full key, as the datapath does.
      Optional<PolicyValue> v = policy.lookup(PolicyKey.FULL_PREFIX, k.data());
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.of(isolated ? PolicyValue.ISOLATION_DENY : PolicyValue.DEFAULT_ALLOW);
  }
}
