package dev.netpolc.compiler.ir;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.List;
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
 * Addresses that are not endpoints of the graph are not checked. {@link Action#LOG} rules never
 * decide; {@link #trace(Connection)} also reports the LOG rules the connection reached and
 * matched (the source's egress ones first, then the destination's ingress ones, each in
 * evaluation order; none for the shortcuts of steps 1 and 2). A cluster-wide graph (no
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

  /**
   * A verdict with the LOG rules that logged on the way to it.
   *
   * @param allowed whether the connection is allowed (as {@link #allows(Connection)})
   * @param logged  the matching LOG rules evaluation reached, in evaluation order
   */
  public record Trace(boolean allowed, List<Rule> logged) {
    public Trace {
      logged = ImmutableList.copyOf(logged);
    }

    /** The origins of the logged rules, sorted: what the backends' log records name. */
    public ImmutableSortedSet<Origin> loggedOrigins() {
      ImmutableSortedSet.Builder<Origin> b = ImmutableSortedSet.naturalOrder();
      logged.forEach(r -> b.addAll(r.origins()));
      return b.build();
    }
  }

  @Override
  public boolean allows(Connection c) {
    return evaluate(c, null);
  }

  /** The verdict for {@code c} and the LOG rules it passed. */
  public Trace trace(Connection c) {
    List<Rule> logged = new ArrayList<>();
    boolean allowed = evaluate(c, logged);
    return new Trace(allowed, logged);
  }

  /** The verdict; matching LOG rules reached are added to {@code logged} unless it is null. */
  private boolean evaluate(Connection c, List<Rule> logged) {
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
        c.port(), toOwnNode, logged)) {
      return false;
    }
    return dst.isEmpty()
        || decide(graph, groupOf(dst.get()), Direction.INGRESS, c.source(), c.protocol(), c.port(), false, logged);
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
   * One direction of one group, through the tiers in rank order: first match per tier (LOG
   * rules skipped); ALLOW/DENY decide, PASS or no match go on; an isolated group denies when its NetworkPolicy
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
    return decide(graph, group, d, peer, protocol, port, skipNetworkPolicyTier, null);
  }

  /**
   * As {@link #decide(RuleGraph, EndpointGroup, Direction, IpAddress, int, int, boolean)}, adding
   * to {@code logged} the matching LOG rules evaluation reaches (before the first matching
   * ALLOW, DENY or PASS of their tier, in a tier evaluation reaches), in order.
   */
  public static boolean decide(RuleGraph graph, EndpointGroup group, Direction d, IpAddress peer, int protocol,
      int port, boolean skipNetworkPolicyTier, List<Rule> logged) {
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
        Rule r = rules.get(i);
        if (hit == null && !skip && r.matches(peer, protocol, port)) {
          if (r.action() != Action.LOG) {
            hit = r.action();
          } else if (logged != null) {
            logged.add(r);
          }
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
