package dev.netpolc.compiler.ir;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.IpAddress;
import java.util.Optional;

/**
 * Decides connections from a {@link RuleGraph} alone (it never reads the model):
 * <ol>
 *   <li>source equals destination, or both are addresses of the same endpoint: allowed;</li>
 *   <li>with {@code allowNodeToLocalPods}, the destination is an endpoint and the source an
 *       address of the endpoint's node: allowed (every tier); the source is an endpoint and the
 *       destination an address of its node: its egress is decided without the NetworkPolicy
 *       tier (Admin and Baseline rules apply; SEMANTICS-TIERS.md), or allowed outright with
 *       {@code nodeLocalExemptFromAllTiers};</li>
 *   <li>if the source is an endpoint, its group's egress rules decide the destination;</li>
 *   <li>if the destination is an endpoint, its group's ingress rules decide the source;</li>
 *   <li>allowed when neither check denied.</li>
 * </ol>
 * Addresses that are not endpoints of the graph are not checked. A cluster-wide graph (no
 * node) has every pod as endpoint and so decides every connection; a per-node graph decides
 * only the checks that node enforces (egress of its pods, ingress to its pods): the other
 * node enforces its own pods' side.
 */
public final class RuleGraphEvaluator implements ConnectionDecider {
  private final RuleGraph graph;

  /** An evaluator over {@code graph}. */
  public RuleGraphEvaluator(RuleGraph graph) {
    this.graph = graph;
  }

  @Override
  public boolean allows(Connection c) {
    Optional<Endpoint> src = graph.endpointAt(c.source());
    Optional<Endpoint> dst = graph.endpointAt(c.destination());
    if (c.source().equals(c.destination())
        || (src.isPresent() && dst.isPresent() && src.get().pod().equals(dst.get().pod()))) {
      return true;
    }
    boolean toOwnNode = false;
    if (graph.options().allowNodeToLocalPods()) {
      if (isOwnNode(dst, c.source())) {
        return true;
      }
      toOwnNode = isOwnNode(src, c.destination());
      if (toOwnNode && graph.options().nodeLocalExemptFromAllTiers()) {
        return true;
      }
    }
    if (src.isPresent() && !decide(graph, groupOf(src.get()), Direction.EGRESS, c.destination(), c.protocol(),
        c.port(), toOwnNode)) {
      return false;
    }
    return dst.isEmpty() || decide(graph, groupOf(dst.get()), Direction.INGRESS, c.source(), c.protocol(), c.port());
  }

  private EndpointGroup groupOf(Endpoint e) {
    return graph.groupOfPod(e.pod()).orElseThrow();
  }

  private boolean isOwnNode(Optional<Endpoint> endpoint, IpAddress other) {
    if (endpoint.isEmpty() || endpoint.get().node().isEmpty()) {
      return false;
    }
    AddressSet nodeAddrs = graph.nodeAddresses().get(endpoint.get().node().get());
    return nodeAddrs != null && nodeAddrs.contains(other);
  }

  /**
   * One direction of one group, through the tiers in rank order: first match per tier;
   * ALLOW/DENY decide, PASS or no match go on; an isolated group denies when its NetworkPolicy
   * tier had no match (whether or not it has rules there); past the last tier the connection is
   * allowed.
   */
  public static boolean decide(RuleGraph graph, EndpointGroup group, Direction d, IpAddress peer, int protocol,
      int port) {
    return decide(graph, group, d, peer, protocol, port, false);
  }

  /**
   * As {@link #decide(RuleGraph, EndpointGroup, Direction, IpAddress, int, int)}; with
   * {@code skipNetworkPolicyTier} the NetworkPolicy tier neither matches nor isolates (egress
   * from a pod to its own node).
   */
  public static boolean decide(RuleGraph graph, EndpointGroup group, Direction d, IpAddress peer, int protocol,
      int port, boolean skipNetworkPolicyTier) {
    var rules = graph.rules(group.id(), d);
    int i = 0;
    boolean npSeen = false;
    // One pass per run of rules of one tier (rules are sorted by tier), plus an empty run for
    // the NetworkPolicy tier where it has no rules, for its isolation.
    while (i < rules.size() || !npSeen) {
      Tier tier = i < rules.size() ? rules.get(i).tier() : Tier.NETWORK_POLICY;
      if (!npSeen && tier.compareTo(Tier.NETWORK_POLICY) > 0) {
        tier = Tier.NETWORK_POLICY;
      }
      boolean np = tier.equals(Tier.NETWORK_POLICY);
      npSeen |= np;
      boolean skip = skipNetworkPolicyTier && np;
      Action hit = null;
      for (; i < rules.size() && rules.get(i).tier().equals(tier); i++) {
        if (hit == null && !skip && rules.get(i).matches(peer, protocol, port)) {
          hit = rules.get(i).action();
        }
      }
      if (hit == Action.ALLOW) {
        return true;
      }
      if (hit == Action.DENY) {
        return false;
      }
      if (hit == null && !skip && np && group.isolated(d)) {
        return false;
      }
    }
    return true;
  }
}
