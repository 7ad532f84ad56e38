package dev.netpolc.backend.ebpf;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.model.IpAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides a new connection from map entries alone, with the datapath's lookups (the README's
 * "Decision" section), for the first packet of a connection with no conntrack state:
 * <ol>
 *   <li>source equals destination (a pod to itself): pass;</li>
 *   <li>a local endpoint (an np_endpoints entry with a group) and, on the other side, an
 *       address with flag HOST (or, cluster-wide, an np_hostpods pair): pass;</li>
 *   <li>a local source: its egress check; a local destination: its ingress check. A check
 *       passes when the group is not isolated in that direction, or when one of the four
 *       np_policy LPM lookups {@code (g, i, d, p, q)}, {@code (g, ANY, d, p, q)},
 *       {@code (g, i, d, 0, 0)}, {@code (g, ANY, d, 0, 0)} returns ALLOW, where {@code i} is the
 *       peer's identity from np_ident4/np_ident6 (an address without identity skips the two
 *       lookups that need it);</li>
 *   <li>the connection passes when every check passes.</li>
 * </ol>
 * Addresses not in np_endpoints are not checked: another node enforces them.
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
    if (c.source().equals(c.destination())) {
      return true;
    }
    EndpointValue src = local(c.source());
    EndpointValue dst = local(c.destination());
    if ((src != null && isHostOf(c.destination(), c.source())) || (dst != null && isHostOf(c.source(), c.destination()))) {
      return true;
    }
    if (src != null && !check(src, Direction.EGRESS, c.destination(), c)) {
      return false;
    }
    return dst == null || check(dst, Direction.INGRESS, c.source(), c);
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

  /** One direction of one local endpoint: not isolated, or an ALLOW among the four lookups. */
  private boolean check(EndpointValue e, Direction d, IpAddress peer, Connection c) {
    if (!e.isolated(d)) {
      return true;
    }
    Optional<Integer> identity = (peer.v6() ? ident6 : ident4).lookup(peer.bits(), peer.toBytes());
    int q = c.portProtocol().isPresent() ? c.port() : 0;
    if (identity.isPresent() && allow(PolicyKey.lookup(e.group(), identity.get(), d, c.protocol(), q))) {
      return true;
    }
    if (allow(PolicyKey.lookup(e.group(), PolicyKey.ANY_PEER, d, c.protocol(), q))) {
      return true;
    }
    if (identity.isPresent() && allow(PolicyKey.lookup(e.group(), identity.get(), d, 0, 0))) {
      return true;
    }
    return allow(PolicyKey.lookup(e.group(), PolicyKey.ANY_PEER, d, 0, 0));
  }

  private boolean allow(PolicyKey k) {
    // Every lookup uses prefix length 96 and the full key, as the datapath does.
    return policy.lookup(PolicyKey.FULL_PREFIX, k.data()).map(v -> v.action() == Action.ALLOW).orElse(false);
  }
}
