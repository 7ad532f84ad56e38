package dev.netpolc.compiler.reference;

import dev.netpolc.model.PolicyType;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;

/**
 * The rule that allowed one direction of a connection.
 *
 * @param policy    the policy holding the rule
 * @param direction ingress or egress
 * @param ruleIndex index in {@code spec.ingress} or {@code spec.egress}
 * @param peerIndex index of the matching peer, or -1 when the rule has no peers (all addresses)
 * @param portIndex index of the matching port entry, or -1 when the rule has no ports (all)
 * @param path      field path of the rule, e.g. {@code spec.ingress[2]}
 * @param position  position of the rule in the input
 */
public record RuleMatch(PolicyRef policy, PolicyType direction, int ruleIndex, int peerIndex, int portIndex,
    String path, SourcePosition position) {
  public RuleMatch {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(position, "position");
  }

  /** One line such as {@code x/allow-web spec.ingress[0] (from[1], ports[0]) at f.yaml:9:5}. */
  public String describe() {
    String peers = direction == PolicyType.Ingress ? "from" : "to";
    String peer = peerIndex < 0 ? "any peer" : peers + "[" + peerIndex + "]";
    String port = portIndex < 0 ? "any port" : "ports[" + portIndex + "]";
    String at = position.isKnown() ? " at " + position : "";
    return policy.key() + " " + path + " (" + peer + ", " + port + ")" + at;
  }
}
