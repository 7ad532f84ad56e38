package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;

/**
 * NP210: an empty peer list or an empty rule that allows every peer where the policy reads like
 * a restriction. {@code from: []} / {@code to: []} look like "from nobody" but mean "from
 * everyone"; an empty rule ({@code - {}}) next to rules with peers or ports makes those rules
 * restrict nothing.
 */
public final class EmptyRuleAllowsEveryPeer extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP210";

  /** The rule. */
  public EmptyRuleAllowsEveryPeer() {
    super(ID, Severity.WARNING,
        "an empty rule or from: []/to: [] allows every peer where the policy otherwise reads like a restriction",
        false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      for (RuleWalk w : RuleWalk.of(p)) {
        if (!w.effective()) {
          continue; // ignored rules are NP106's
        }
        if (emptyPeerList(w)) {
          String key = w.peersKey();
          sink.report(p, finding(p, w.path() + "." + key, key + ": [] is an empty list, which allows every "
              + (w.ingress() ? "source" : "destination") + ", not none; remove " + key
              + " to say so, or list the peers"));
        } else if (emptyRuleAmongRestrictions(w)) {
          sink.report(p, finding(p, w.path(), "this empty rule allows every " + (w.ingress() ? "source" : "destination")
              + " on every port, so the other " + w.direction() + " rules of this policy restrict nothing"));
        }
      }
    }
  }

  /** True when NP210 reports {@code w}; NP212 leaves such rules to it. */
  static boolean flags(RuleWalk w) {
    return w.effective() && (emptyPeerList(w) || emptyRuleAmongRestrictions(w));
  }

  private static boolean emptyPeerList(RuleWalk w) {
    return w.rule().peers().isEmpty() && w.policy().source().has(w.path() + "." + w.peersKey());
  }

  private static boolean emptyRuleAmongRestrictions(RuleWalk w) {
    if (!w.rule().peers().isEmpty() || !w.rule().ports().isEmpty()) {
      return false;
    }
    List<PolicyRule> all = w.ingress() ? w.policy().ingress() : w.policy().egress();
    return all.stream().anyMatch(r -> !r.peers().isEmpty() || !r.ports().isEmpty());
  }
}
