package dev.netpolc.model.lint;

import dev.netpolc.model.calico.CalicoAction;
import dev.netpolc.model.calico.CalicoRule;
import java.util.List;

/** Paths and reachability of the rules of a Calico policy, shared by the Calico lint rules. */
final class CalicoRuleWalk {
  private CalicoRuleWalk() {}

  /** {@code ingress} or {@code egress}. */
  static String direction(boolean ingress) {
    return ingress ? "ingress" : "egress";
  }

  /** The field path of rule {@code i} of one direction: {@code spec.ingress[2]}. */
  static String path(boolean ingress, int i) {
    return "spec." + direction(ingress) + "[" + i + "]";
  }

  /**
   * The index of the first rule that matches every packet and decides (Allow, Deny or Pass), so
   * that no later rule of the list is ever evaluated; -1 when there is none. An unconditional
   * Log goes on with the next rule and does not count.
   */
  static int firstUnconditionalDecision(List<CalicoRule> rules) {
    for (int i = 0; i < rules.size(); i++) {
      CalicoRule r = rules.get(i);
      if (r.unconditional() && decides(r)) {
        return i;
      }
    }
    return -1;
  }

  /** True for Allow, Deny and Pass: an action that ends the walk through the policy's rules. */
  static boolean decides(CalicoRule rule) {
    CalicoAction a = rule.actionKind();
    return a == CalicoAction.ALLOW || a == CalicoAction.DENY || a == CalicoAction.PASS;
  }

  /** The number of rules evaluation can reach: up to and including the first unconditional decision. */
  static int reachable(List<CalicoRule> rules) {
    int k = firstUnconditionalDecision(rules);
    return k < 0 ? rules.size() : k + 1;
  }

  /**
   * {@code text} in double quotes for a message: control characters, quotes and backslashes
   * escaped, and cut at 80 characters, because it comes from the input.
   */
  static String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length() && i < 80; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) {
        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (text.length() > 80) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
