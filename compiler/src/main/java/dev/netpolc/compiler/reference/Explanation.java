package dev.netpolc.compiler.reference;

import dev.netpolc.compiler.Connection;
import dev.netpolc.model.PolicyType;
import java.util.Objects;
import java.util.Optional;

/**
 * Why the reference evaluator allowed or denied a connection. In the {@code calico} profile each
 * direction is a {@link DirectionVerdict.DecidedBy#CALICO} verdict naming the tier, policy, rule
 * ({@code spec.ingress[2]}), action and position that decided it, or the tier's default action,
 * or "no policy applies: allowed by the profile" ({@link #toText()}). In the {@code cilium} profile
 * each direction is a {@link DirectionVerdict.DecidedBy#CILIUM} verdict naming the deny or allow
 * rule that decided ({@link CiliumRuleMatch}), or the policies that put the pod in default deny.
 *
 * @param connection  the connection
 * @param allowed     the decision
 * @param shortcut    a rule of SEMANTICS.md that decided before any policy was consulted
 * @param source      what the source address is
 * @param destination what the destination address is
 * @param egress      the egress decision at the source ({@code notApplicable} after a shortcut)
 * @param ingress     the ingress decision at the destination ({@code notApplicable} after a shortcut)
 */
public record Explanation(Connection connection, boolean allowed, Shortcut shortcut, Endpoint source,
    Endpoint destination, DirectionVerdict egress, DirectionVerdict ingress) {

  /** Decisions taken before policy is consulted. */
  public enum Shortcut {
    /** No shortcut: egress and ingress decided. */
    NONE,
    /** Source and destination are the same pod: the traffic never leaves it. */
    SAME_POD,
    /** Traffic between a pod and the node it runs on, allowed by {@code allowNodeToLocalPods}. */
    NODE_LOCAL,
    /**
     * Ingress to a pod from the node it runs on in a Cilium cluster, allowed by Cilium's own-node
     * allow rule (with {@code allowNodeToLocalPods}): unlike {@link #NODE_LOCAL} it is one
     * direction only and a deny rule overrides it, so it holds only when no deny rule matched.
     */
    CILIUM_OWN_NODE
  }

  public Explanation {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(shortcut, "shortcut");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(egress, "egress");
    Objects.requireNonNull(ingress, "ingress");
  }

  /** A multi-line human rendering, ending with a newline. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(source.describe()).append(" -> ").append(destination.describe()).append(' ');
    if (connection.icmpType().isPresent()) {
      sb.append(connection.protocol() == dev.netpolc.model.Protocol.ICMP ? "ICMP" : "ICMPv6").append(" type ")
          .append(connection.icmpType().getAsInt()).append(" code ").append(connection.icmpCode().getAsInt());
    } else {
      sb.append(connection.portProtocol().map(Enum::name).orElse("protocol " + connection.protocol()));
      if (connection.port() > 0) {
        sb.append('/').append(connection.port());
      }
    }
    sb.append(": ").append(allowed ? "ALLOWED" : "DENIED").append('\n');
    if (shortcut == Shortcut.SAME_POD) {
      sb.append("  same pod: traffic never leaves it\n");
      return sb.toString();
    }
    if (shortcut == Shortcut.NODE_LOCAL) {
      sb.append("  between a pod and the node it runs on: always allowed\n");
      return sb.toString();
    }
    if (shortcut == Shortcut.CILIUM_OWN_NODE) {
      sb.append("  ").append(ciliumOwnNodeText(source.nodeName().orElse("?"))).append('\n');
      return sb.toString();
    }
    appendDirection(sb, egress, source);
    appendDirection(sb, ingress, destination);
    return sb.toString();
  }

  /**
   * The sentence for {@link Shortcut#CILIUM_OWN_NODE}: it names the rule as the compiled rule's
   * origin does ({@code node <name> to its pods}), so explain and the emitted comments agree.
   *
   * @param node the name of the node the destination pod runs on
   * @return the sentence, without indentation or newline
   */
  public static String ciliumOwnNodeText(String node) {
    return "ingress from its own node: allowed by Cilium's own-node allow rule (node " + node
        + " to its pods); only a deny rule would override it, and none matched";
  }

  private static void appendDirection(StringBuilder sb, DirectionVerdict v, Endpoint side) {
    String dir = v.direction() == PolicyType.Egress ? "egress" : "ingress";
    if (!v.applies()) {
      sb.append("  ").append(dir).append(": ").append(side.kind() == Endpoint.Kind.NODE ? "node" : "not a pod")
          .append(", no policy applies: allowed\n");
      return;
    }
    String pod = side.podKey().orElse("?");
    if (v.decidedBy() == DirectionVerdict.DecidedBy.CALICO) {
      appendCalico(sb, v, dir, pod);
      return;
    }
    if (v.decidedBy() == DirectionVerdict.DecidedBy.CILIUM) {
      appendCilium(sb, v, dir, pod);
      return;
    }
    boolean tiered = v.admin().isPresent() || v.baseline().isPresent() || v.networkPolicyTierSkipped();
    if (!tiered) {
      appendNetworkPolicyTier(sb, v, dir, pod);
      return;
    }
    sb.append("  ").append(dir).append(" of ").append(pod).append(": ")
        .append(v.allowed() ? "allowed" : "denied").append(" by the ").append(tierName(v.decidedBy()))
        .append('\n');
    v.admin().ifPresent(step -> appendTierStep(sb, step));
    if (v.decidedBy() == DirectionVerdict.DecidedBy.ADMIN) {
      return;
    }
    if (v.networkPolicyTierSkipped()) {
      sb.append("    NetworkPolicy tier: does not apply to egress to the pod's own node\n");
    } else if (!v.isolated()) {
      sb.append("    NetworkPolicy tier: not isolated: no decision\n");
    } else {
      StringBuilder np = new StringBuilder();
      appendNetworkPolicyTier(np, v, dir, pod);
      for (String line : np.toString().split("\n")) {
        sb.append("    NetworkPolicy tier:").append(line.startsWith("  ") ? line.substring(1) : " " + line).append('\n');
      }
    }
    v.baseline().ifPresent(step -> appendTierStep(sb, step));
  }

  private static String tierName(DirectionVerdict.DecidedBy by) {
    return switch (by) {
      case ADMIN -> "Admin tier";
      case NETWORK_POLICY -> "NetworkPolicy tier";
      case BASELINE -> "Baseline tier";
      case DEFAULT -> "default (no tier decided)";
      case CALICO -> "Calico tiers";
      case CILIUM -> "Cilium policies";
    };
  }

  /** A direction in the {@code cilium} profile: the deciding rule, or default deny and its policies. */
  private static void appendCilium(StringBuilder sb, DirectionVerdict v, String dir, String pod) {
    sb.append("  ").append(dir).append(" of ").append(pod).append(": ");
    if (v.ciliumMatch().isPresent()) {
      CiliumRuleMatch m = v.ciliumMatch().get();
      sb.append(m.deny() ? "denied by " : "allowed by ").append(m.describe()).append('\n');
      return;
    }
    if (v.isolated()) {
      sb.append("denied: default deny by ");
      for (int i = 0; i < v.selecting().size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(v.selecting().get(i));
      }
      sb.append(", no rule allows\n");
      return;
    }
    sb.append("not in default deny: allowed\n");
  }

  /**
   * A direction decided by Calico's tiers: a summary line naming what decided (a rule with its
   * tier, policy, path, action and position; a tier's default action; or the profile), then one
   * line per tier that took part with its applying policies and what it did.
   */
  private static void appendCalico(StringBuilder sb, DirectionVerdict v, String dir, String pod) {
    sb.append("  ").append(dir).append(" of ").append(pod).append(": ");
    Optional<CalicoTierStep> last = v.decidingCalicoTier();
    if (last.isEmpty()) {
      sb.append("no policy applies: allowed by the profile\n");
      return;
    }
    CalicoTierStep decisive = last.get();
    switch (decisive.outcome()) {
      case ALLOW -> sb.append("allowed in tier ").append(decisive.tier()).append(" by ")
          .append(decisive.match().orElseThrow().describe());
      case DENY -> sb.append("denied in tier ").append(decisive.tier()).append(" by ")
          .append(decisive.match().orElseThrow().describe());
      case DEFAULT_DENY -> sb.append("denied by the default action (Deny) of tier ").append(decisive.tier())
          .append(": no rule matched");
      default -> sb.append("allowed by the profile: the last tier that applies passed");
    }
    sb.append('\n');
    for (CalicoTierStep step : v.calicoTiers()) {
      sb.append("    tier ").append(step.tier()).append(" (default ").append(step.defaultAction()).append("): ");
      for (int i = 0; i < step.applying().size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(step.applying().get(i));
      }
      sb.append('\n');
      for (CalicoRuleMatch log : step.logged()) {
        sb.append("      logged by ").append(log.describe()).append('\n');
      }
      String what = switch (step.outcome()) {
        case ALLOW -> "allowed by " + step.match().orElseThrow().describe();
        case DENY -> "denied by " + step.match().orElseThrow().describe();
        case PASS -> "passed to the next tier by " + step.match().orElseThrow().describe();
        case DEFAULT_DENY -> "no rule matches: the tier's default action denies";
        case DEFAULT_PASS -> "no rule matches: the tier's default action passes to the next tier";
      };
      sb.append("      ").append(what).append('\n');
    }
  }

  private static void appendTierStep(StringBuilder sb, TierStep step) {
    String tier = step.tier() == dev.netpolc.model.npa.PolicyTier.ADMIN ? "Admin" : "Baseline";
    sb.append("    ").append(tier).append(" tier: ");
    for (int i = 0; i < step.considered().size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(step.considered().get(i));
    }
    sb.append('\n');
    if (step.match().isEmpty()) {
      sb.append("      no rule matches\n");
      return;
    }
    TierRuleMatch m = step.match().get();
    String what = switch (m.action()) {
      case ACCEPT -> "accepted by ";
      case DENY -> "denied by ";
      case PASS -> "passed to the next tier by ";
    };
    sb.append("      ").append(what).append(m.describe()).append('\n');
  }

  private static void appendNetworkPolicyTier(StringBuilder sb, DirectionVerdict v, String dir, String pod) {
    if (!v.isolated()) {
      sb.append("  ").append(dir).append(" of ").append(pod).append(": not isolated: allowed\n");
      return;
    }
    sb.append("  ").append(dir).append(" of ").append(pod).append(": isolated by ");
    for (int i = 0; i < v.selecting().size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(v.selecting().get(i));
    }
    sb.append('\n');
    if (v.match().isPresent()) {
      sb.append("    allowed by ").append(v.match().get().describe()).append('\n');
      return;
    }
    sb.append("    denied: no rule matches\n");
    for (PolicyMiss miss : v.misses()) {
      if (miss.rules().isEmpty()) {
        sb.append("    ").append(miss.policy().key()).append(": no ").append(dir).append(" rules\n");
        continue;
      }
      for (RuleMiss r : miss.rules()) {
        sb.append("    ").append(miss.policy().key()).append(' ').append(r.path());
        if (r.position().isKnown()) {
          sb.append(" (").append(r.position()).append(')');
        }
        sb.append(":\n");
        for (String f : r.peerFailures()) {
          sb.append("      ").append(f).append('\n');
        }
        for (String f : r.portFailures()) {
          sb.append("      ").append(f).append('\n');
        }
      }
    }
  }
}
