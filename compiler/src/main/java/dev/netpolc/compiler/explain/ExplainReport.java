package dev.netpolc.compiler.explain;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@code netpolc explain}: the decision, how each side was resolved, each
 * direction's isolation with the policies causing it, the rule that allowed or, for a denial,
 * why every rule of every isolating policy missed, and the nearest changes that would allow it.
 * Formatters render it; they add no logic.
 *
 * @param allowed     the decision (equal to {@code ReferenceEvaluator.allows})
 * @param shortcut    {@code none}, {@code same-pod}, {@code node-local} or {@code cilium-own-node}:
 *                    a rule that decided before (or, for Cilium's own-node allow rule, instead of)
 *                    the allow rules of the policies
 * @param source      the source
 * @param destination the destination
 * @param connection  protocol and port
 * @param egress      egress at the source
 * @param ingress     ingress at the destination
 * @param suggestions the nearest changes that would allow a denied connection (empty when allowed)
 */
public record ExplainReport(boolean allowed, String shortcut, Side source, Side destination, ConnectionInfo connection,
    DirectionReport egress, DirectionReport ingress, List<Suggestion> suggestions) {

  public ExplainReport {
    Objects.requireNonNull(shortcut, "shortcut");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(egress, "egress");
    Objects.requireNonNull(ingress, "ingress");
    suggestions = ImmutableList.copyOf(suggestions);
  }

  /**
   * One end of the connection.
   *
   * @param address the address
   * @param kind    {@code pod}, {@code node} or {@code external}
   * @param pod     {@code namespace/name} for a pod
   * @param node    the node (of a node address, or the node a pod runs on)
   * @param labels  the pod's labels (empty for other kinds)
   */
  public record Side(String address, String kind, Optional<String> pod, Optional<String> node,
      Map<String, String> labels) {
    public Side {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(pod, "pod");
      Objects.requireNonNull(node, "node");
      labels = com.google.common.collect.ImmutableSortedMap.copyOf(labels);
    }

    /** {@code db/postgres-0 (10.0.0.5)}, {@code node n1 (192.0.2.1)} or {@code 8.8.8.8 (external)}. */
    public String describe() {
      if (pod.isPresent()) {
        return pod.get() + " (" + address + ")";
      }
      if (kind.equals("node")) {
        return "node " + node.orElse("?") + " (" + address + ")";
      }
      return address + " (external)";
    }
  }

  /**
   * What the connection carries.
   *
   * @param protocol       {@code TCP}, {@code UDP}, {@code SCTP}, or {@code ICMP}/{@code protocol N}
   * @param protocolNumber the IP protocol number
   * @param port           the destination port, 0 for other portless protocols; for ICMP and
   *                       ICMPv6 the message as {@code type * 256 + code}
   * @param family         {@code ipv4} or {@code ipv6}
   */
  public record ConnectionInfo(String protocol, int protocolNumber, int port, String family) {
    /**
     * {@code TCP/8080}, {@code ICMP type 8 code 0}, or {@code ICMP} for type 0 code 0 (what a
     * query without a type decides) and other portless protocols.
     */
    public String describe() {
      if (icmp() && port > 0) {
        return protocol + " type " + (port >> 8) + " code " + (port & 0xff);
      }
      return port > 0 ? protocol + "/" + port : protocol;
    }

    /** True for ICMP and ICMPv6, whose {@code port} is the message's type and code. */
    public boolean icmp() {
      return protocolNumber == Protocol.ICMP || protocolNumber == Protocol.ICMPV6;
    }
  }

  /**
   * A policy named in a report.
   *
   * @param policy   {@code namespace/name}
   * @param position where the policy object starts
   */
  public record PolicyLocation(String policy, SourcePosition position) {}

  /**
   * The rule that allowed a direction.
   *
   * @param policy   the policy
   * @param path     the rule, e.g. {@code spec.ingress[0]}
   * @param position where the rule is
   * @param peer     the matching peer ({@code spec.ingress[0].from[1]}) or {@code any peer}
   * @param port     the matching port entry or {@code any port}
   */
  public record RuleLocation(String policy, String path, SourcePosition position, String peer, String port) {}

  /**
   * Why one rule did not match.
   *
   * @param path         the rule
   * @param position     where it is
   * @param peerFailures one reason per peer when no peer matched
   * @param portFailures one reason per port entry when no port matched
   */
  public record RuleMissReport(String path, SourcePosition position, List<String> peerFailures,
      List<String> portFailures) {
    public RuleMissReport {
      peerFailures = ImmutableList.copyOf(peerFailures);
      portFailures = ImmutableList.copyOf(portFailures);
    }
  }

  /**
   * Why one isolating policy allowed nothing.
   *
   * @param policy   the policy
   * @param position where it starts
   * @param rules    each rule of that direction and why it missed; empty when it has none
   */
  public record PolicyMissReport(String policy, SourcePosition position, List<RuleMissReport> rules) {
    public PolicyMissReport {
      rules = ImmutableList.copyOf(rules);
    }
  }

  /**
   * One direction.
   *
   * @param direction         {@code egress} or {@code ingress}
   * @param applies           false when that side is not a pod (no policy has a say)
   * @param isolated          some policy selecting the pod isolates it in this direction
   * @param allowed           this direction lets the connection through
   * @param selectingPolicies the isolating policies, in input order
   * @param matched           the rule that allowed, if any
   * @param misses            for a denial: each isolating policy and why none of its rules matched
   * @param decidedBy         the tier whose decision is final: {@code admin}, {@code network-policy},
   *                          {@code baseline} or {@code default}
   * @param tiers             the Admin and Baseline tiers' parts, in evaluation order (a Pass
   *                          shows as the tier's matched rule with action {@code Pass})
   * @param networkPolicyTierSkipped the NetworkPolicy tier did not apply (egress to the pod's own node)
   * @param calicoTiers       for {@code decidedBy} {@code calico}: the Calico tiers that took part, in
   *                          order (empty: no policy applies, Calico's profile allows); empty otherwise
   */
  public record DirectionReport(String direction, boolean applies, boolean isolated, boolean allowed,
      List<PolicyLocation> selectingPolicies, Optional<RuleLocation> matched, List<PolicyMissReport> misses,
      String decidedBy, List<TierReport> tiers, boolean networkPolicyTierSkipped,
      List<CalicoTierReport> calicoTiers) {
    public DirectionReport {
      selectingPolicies = ImmutableList.copyOf(selectingPolicies);
      Objects.requireNonNull(matched, "matched");
      misses = ImmutableList.copyOf(misses);
      Objects.requireNonNull(decidedBy, "decidedBy");
      tiers = ImmutableList.copyOf(tiers);
      calicoTiers = ImmutableList.copyOf(calicoTiers);
    }

    /** A direction without Calico tiers. */
    public DirectionReport(String direction, boolean applies, boolean isolated, boolean allowed,
        List<PolicyLocation> selectingPolicies, Optional<RuleLocation> matched, List<PolicyMissReport> misses,
        String decidedBy, List<TierReport> tiers, boolean networkPolicyTierSkipped) {
      this(direction, applies, isolated, allowed, selectingPolicies, matched, misses, decidedBy, tiers,
          networkPolicyTierSkipped, List.of());
    }
  }

  /**
   * One Calico tier's part in a direction (SEMANTICS-CALICO.md, "The decision").
   *
   * @param tier          the tier's name
   * @param defaultAction the tier's default action ({@code Deny} or {@code Pass})
   * @param applying      the tier's policies that apply to the endpoint in this direction, in
   *                      evaluation order (order, then name)
   * @param logged        the {@code Log} rules that matched on the way, in order
   * @param matched       the Allow, Deny or Pass rule that matched, if any
   * @param outcome       {@code allow}, {@code deny}, {@code pass}, {@code default-deny} or
   *                      {@code default-pass}
   */
  public record CalicoTierReport(String tier, String defaultAction, List<PolicyLocation> applying,
      List<CalicoRuleLocation> logged, Optional<CalicoRuleLocation> matched, String outcome) {
    public CalicoTierReport {
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(defaultAction, "defaultAction");
      applying = ImmutableList.copyOf(applying);
      logged = ImmutableList.copyOf(logged);
      Objects.requireNonNull(matched, "matched");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * A Calico rule that matched.
   *
   * @param policy   {@code GlobalNetworkPolicy/NAME}, {@code NetworkPolicy/NS/NAME}, or the name
   *                 Calico gives a Kubernetes NetworkPolicy
   * @param path     the rule's field path, e.g. {@code spec.ingress[2]}
   * @param position where the rule is
   * @param action   {@code Allow}, {@code Deny}, {@code Pass} or {@code Log}
   */
  public record CalicoRuleLocation(String policy, String path, SourcePosition position, String action) {}

  /**
   * One cluster-policy tier's part in a direction.
   *
   * @param tier       {@code Admin} or {@code Baseline}
   * @param considered the policies of the tier selecting the pod with rules in this direction, in
   *                   evaluation order
   * @param matched    the first rule that matched, if any
   */
  public record TierReport(String tier, List<PolicyLocation> considered, Optional<TierRuleLocation> matched) {
    public TierReport {
      considered = ImmutableList.copyOf(considered);
      Objects.requireNonNull(matched, "matched");
    }
  }

  /**
   * The cluster-policy rule that accepted, denied or passed.
   *
   * @param policy   {@code cnp:NAME}, {@code anp:NAME} or {@code banp:NAME}
   * @param priority the policy's priority
   * @param path     the rule's field path
   * @param position where the rule is
   * @param name     the rule's {@code name}, when it has one
   * @param action   {@code Accept}, {@code Deny} or {@code Pass}
   * @param peer     the matching peer's field path
   * @param protocol the matching protocol entry's field path, or {@code any protocol}
   */
  public record TierRuleLocation(String policy, int priority, String path, SourcePosition position,
      Optional<String> name, String action, String peer, String protocol) {}

  /**
   * A change that would allow the connection.
   *
   * @param direction the direction it fixes
   * @param policy    the policy to change, when there is one
   * @param path      the field to change
   * @param position  where that field (or the policy) is; unknown when a new policy is needed
   * @param text      the change in words
   */
  public record Suggestion(String direction, Optional<String> policy, String path, SourcePosition position,
      String text) {}
}
