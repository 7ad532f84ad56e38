package dev.netpolc.compiler.reference;

import dev.netpolc.model.PolicyType;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.npa.RuleAction;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster-policy rule that decided (or passed) one direction in the Admin or Baseline tier.
 *
 * @param policy        the policy ({@code cnp:NAME}, {@code anp:NAME}, {@code banp:NAME})
 * @param priority      the policy's priority
 * @param direction     ingress or egress
 * @param ruleIndex     index in {@code spec.ingress} or {@code spec.egress}
 * @param ruleName      the rule's {@code name}, when it has one
 * @param action        what the rule does
 * @param peerIndex     index of the matching peer
 * @param protocolIndex index of the matching {@code protocols} entry, or -1 when the rule has none
 * @param path          field path of the rule, e.g. {@code spec.egress[1]}
 * @param position      position of the rule in the input
 */
public record TierRuleMatch(PolicyRef policy, int priority, PolicyType direction, int ruleIndex,
    Optional<String> ruleName, RuleAction action, int peerIndex, int protocolIndex, String path,
    SourcePosition position) {
  public TierRuleMatch {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(ruleName, "ruleName");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(position, "position");
  }

  /** One line such as {@code cnp:guard spec.ingress[0] "deny-web" (priority 10, from[1], protocols[0]) at f.yaml:9:5}. */
  public String describe() {
    String peers = direction == PolicyType.Ingress ? "from" : "to";
    String proto = protocolIndex < 0 ? "any protocol" : "protocols[" + protocolIndex + "]";
    String name = ruleName.map(n -> " \"" + n + "\"").orElse("");
    String at = position.isKnown() ? " at " + position : "";
    return policy.key() + " " + path + name + " (priority " + priority + ", " + peers + "[" + peerIndex + "], "
        + proto + ")" + at;
  }
}
