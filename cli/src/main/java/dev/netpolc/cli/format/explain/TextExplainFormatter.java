package dev.netpolc.cli.format.explain;

import dev.netpolc.compiler.explain.ExplainReport;
import dev.netpolc.compiler.explain.ExplainReport.CalicoRuleLocation;
import dev.netpolc.compiler.explain.ExplainReport.CalicoTierReport;
import dev.netpolc.compiler.explain.ExplainReport.DirectionReport;
import dev.netpolc.compiler.explain.ExplainReport.PolicyLocation;
import dev.netpolc.compiler.explain.ExplainReport.PolicyMissReport;
import dev.netpolc.compiler.explain.ExplainReport.RuleLocation;
import dev.netpolc.compiler.explain.ExplainReport.RuleMissReport;
import dev.netpolc.compiler.explain.ExplainReport.Side;
import dev.netpolc.compiler.explain.ExplainReport.Suggestion;
import dev.netpolc.compiler.explain.ExplainReport.TierReport;
import dev.netpolc.compiler.explain.ExplainReport.TierRuleLocation;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.model.SourcePosition;

/** {@code netpolc explain --format text}: the decision, then each direction, then suggestions. */
final class TextExplainFormatter {
  private TextExplainFormatter() {}

  static String format(ExplainReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.source().describe()).append(" -> ").append(r.destination().describe()).append(' ')
        .append(r.connection().describe()).append(": ").append(r.allowed() ? "ALLOWED" : "DENIED").append('\n');
    if (r.shortcut().equals("same-pod")) {
      sb.append("  same pod: the traffic never leaves it\n");
      return sb.toString();
    }
    if (r.shortcut().equals("node-local")) {
      sb.append("  between a pod and the node it runs on: always allowed\n");
      return sb.toString();
    }
    if (r.shortcut().equals("cilium-own-node")) {
      sb.append("  ").append(Explanation.ciliumOwnNodeText(r.source().node().orElse("?"))).append('\n');
      return sb.toString();
    }
    direction(sb, r.egress(), r.source());
    direction(sb, r.ingress(), r.destination());
    if (!r.suggestions().isEmpty()) {
      sb.append("nearest change").append(r.suggestions().size() > 1 ? "s" : "").append(" that would allow it:\n");
      for (Suggestion s : r.suggestions()) {
        sb.append("  - ").append(s.text()).append(s.position().isKnown() ? " (" + s.position() + ")" : "").append('\n');
      }
    }
    return sb.toString();
  }

  private static void direction(StringBuilder sb, DirectionReport d, Side side) {
    if (!d.applies()) {
      sb.append(d.direction()).append(": ").append(side.kind().equals("node") ? "a node" : "not a pod")
          .append(", no policy applies: allowed\n");
      return;
    }
    String pod = side.pod().orElse(side.address());
    if (d.decidedBy().equals("calico")) {
      calico(sb, d, pod);
      return;
    }
    if (d.decidedBy().equals("cilium")) {
      cilium(sb, d, pod);
      return;
    }
    if (!d.tiers().isEmpty() || d.networkPolicyTierSkipped()) {
      tiered(sb, d, pod);
      return;
    }
    networkPolicyTier(sb, d, pod);
  }

  /** A direction with cluster-scoped policies: each tier in order, down to the one that decided. */
  private static void tiered(StringBuilder sb, DirectionReport d, String pod) {
    sb.append(d.direction()).append(" of ").append(pod).append(": ").append(d.allowed() ? "allowed" : "denied")
        .append(" by the ").append(switch (d.decidedBy()) {
          case "admin" -> "Admin tier";
          case "network-policy" -> "NetworkPolicy tier";
          case "baseline" -> "Baseline tier";
          default -> "default (no tier decided)";
        }).append('\n');
    for (TierReport t : d.tiers()) {
      if (t.tier().equals("Baseline")) {
        networkPolicyPart(sb, d, pod);
      }
      sb.append("  ").append(t.tier()).append(" tier: ");
      for (int i = 0; i < t.considered().size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(t.considered().get(i).policy());
      }
      sb.append('\n');
      if (t.matched().isEmpty()) {
        sb.append("    no rule matches\n");
        continue;
      }
      TierRuleLocation m = t.matched().get();
      sb.append("    ").append(switch (m.action()) {
        case "Accept" -> "accepted by ";
        case "Deny" -> "denied by ";
        default -> "passed to the next tier by ";
      }).append(m.policy()).append(' ').append(m.path()).append(m.name().map(n -> " \"" + n + "\"").orElse(""))
          .append(" (priority ").append(m.priority()).append(", ").append(m.peer()).append(", ").append(m.protocol())
          .append(')').append(at(m.position())).append('\n');
    }
    if (d.decidedBy().equals("network-policy") || (!d.decidedBy().equals("admin")
        && d.tiers().stream().noneMatch(t -> t.tier().equals("Baseline")))) {
      networkPolicyPart(sb, d, pod);
    }
  }

  /** A direction through Calico's tiers: each tier that took part, down to the one that decided. */
  private static void calico(StringBuilder sb, DirectionReport d, String pod) {
    sb.append(d.direction()).append(" of ").append(pod).append(": ").append(d.allowed() ? "allowed" : "denied");
    if (d.calicoTiers().isEmpty()) {
      sb.append(": no Calico policy applies (Calico's profile allows)\n");
      return;
    }
    CalicoTierReport last = d.calicoTiers().get(d.calicoTiers().size() - 1);
    sb.append(last.outcome().equals("pass") || last.outcome().equals("default-pass")
        ? " by Calico's profile, after every tier passed\n" : " by Calico tier " + last.tier() + "\n");
    for (CalicoTierReport t : d.calicoTiers()) {
      sb.append("  tier ").append(t.tier()).append(": ");
      for (int i = 0; i < t.applying().size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(t.applying().get(i).policy());
      }
      sb.append('\n');
      for (CalicoRuleLocation l : t.logged()) {
        sb.append("    logged by ").append(rule(l)).append('\n');
      }
      if (t.matched().isPresent()) {
        CalicoRuleLocation m = t.matched().get();
        sb.append("    ").append(switch (m.action()) {
          case "Allow" -> "allowed by ";
          case "Deny" -> "denied by ";
          default -> "passed to the next tier by ";
        }).append(rule(m)).append('\n');
      } else {
        sb.append("    no rule matches: the tier's default action, ").append(t.defaultAction())
            .append(t.outcome().equals("default-deny") ? ", denies" : ", passes to the next tier").append('\n');
      }
    }
  }

  /** A direction in the cilium profile: the deny or allow rule that decided, else default deny or not. */
  private static void cilium(StringBuilder sb, DirectionReport d, String pod) {
    sb.append(d.direction()).append(" of ").append(pod).append(": ").append(d.allowed() ? "allowed" : "denied");
    if (d.matched().isPresent()) {
      RuleLocation m = d.matched().get();
      sb.append(" by ").append(m.policy()).append(' ').append(m.path()).append(" (").append(m.peer()).append(')')
          .append(at(m.position())).append('\n');
      return;
    }
    if (!d.isolated()) {
      sb.append(": no rule matches and no policy puts it in default deny for ").append(d.direction()).append('\n');
      return;
    }
    sb.append(": no rule matches, and it is in default deny by\n");
    for (PolicyLocation p : d.selectingPolicies()) {
      sb.append("    ").append(p.policy()).append(at(p.position())).append('\n');
    }
  }

  private static String rule(CalicoRuleLocation l) {
    return l.policy() + " " + l.path() + " (" + l.action() + ")" + at(l.position());
  }

  private static void networkPolicyPart(StringBuilder sb, DirectionReport d, String pod) {
    if (d.networkPolicyTierSkipped()) {
      sb.append("  NetworkPolicy tier: does not apply to egress to the pod's own node\n");
      return;
    }
    if (!d.isolated()) {
      sb.append("  NetworkPolicy tier: not isolated: no decision\n");
      return;
    }
    StringBuilder np = new StringBuilder();
    networkPolicyTier(np, d, pod);
    String[] lines = np.toString().split("\n");
    // The first line names the pod again ("egress of P: isolated by"); the tier header replaces it.
    sb.append("  NetworkPolicy tier: isolated by\n");
    for (int i = 1; i < lines.length; i++) {
      sb.append("  ").append(lines[i]).append('\n');
    }
  }

  private static void networkPolicyTier(StringBuilder sb, DirectionReport d, String pod) {
    if (!d.isolated()) {
      sb.append(d.direction()).append(" of ").append(pod).append(": not isolated (no policy selects it for ")
          .append(d.direction()).append("): allowed\n");
      return;
    }
    sb.append(d.direction()).append(" of ").append(pod).append(": isolated by\n");
    for (PolicyLocation p : d.selectingPolicies()) {
      sb.append("    ").append(p.policy()).append(at(p.position())).append('\n');
    }
    if (d.matched().isPresent()) {
      RuleLocation m = d.matched().get();
      sb.append("  allowed by ").append(m.policy()).append(' ').append(m.path()).append(" (").append(m.peer())
          .append(", ").append(m.port()).append(')').append(at(m.position())).append('\n');
      return;
    }
    sb.append("  denied: no rule of these policies matches\n");
    for (PolicyMissReport miss : d.misses()) {
      if (miss.rules().isEmpty()) {
        sb.append("    ").append(miss.policy()).append(": no ").append(d.direction()).append(" rules (allows nothing)")
            .append(at(miss.position())).append('\n');
        continue;
      }
      for (RuleMissReport rule : miss.rules()) {
        sb.append("    ").append(miss.policy()).append(' ').append(rule.path()).append(at(rule.position()))
            .append(":\n");
        for (String f : rule.peerFailures()) {
          sb.append("      ").append(f).append('\n');
        }
        for (String f : rule.portFailures()) {
          sb.append("      ").append(f).append('\n');
        }
      }
    }
  }

  private static String at(SourcePosition p) {
    return p.isKnown() ? " at " + p : "";
  }
}
