package dev.netpolc.compiler.ir;

import dev.netpolc.model.SourcePosition;
import java.util.Comparator;
import java.util.Objects;

/**
 * Where a rule came from: the policy, the direction, the rule list and the rule's index in it,
 * and the rule's source position. Backends print {@link #toString()} in comments; {@code explain}
 * prints the position too.
 *
 * @param policy    {@code namespace/name} of the policy
 * @param direction the direction the rule applies to
 * @param ruleIndex index in the rule list
 * @param position  where the rule was written ({@link SourcePosition#UNKNOWN} when built in code)
 * @param list      the rule list as the policy names it: the direction's {@code ingress}/{@code egress}
 *                  for most kinds; a path such as {@code spec.ingressDeny} or {@code specs[1].egress}
 *                  where one direction has several lists (Cilium)
 */
public record Origin(String policy, Direction direction, int ruleIndex, SourcePosition position, String list)
    implements Comparable<Origin> {

  private static final Comparator<Origin> ORDER = Comparator.comparing(Origin::policy)
      .thenComparing(Origin::direction).thenComparing(Origin::list).thenComparingInt(Origin::ruleIndex);

  public Origin {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(list, "list");
  }

  /**
   * An origin in the direction's own list ({@code ingress}/{@code egress}), as most policy kinds
   * have one list per direction.
   *
   * @param policy    {@code namespace/name} of the policy
   * @param direction the policy's rule list
   * @param ruleIndex index in that list
   * @param position  where the rule was written
   */
  public Origin(String policy, Direction direction, int ruleIndex, SourcePosition position) {
    this(policy, direction, ruleIndex, position, direction.apiName());
  }

  /** The rule within its policy: {@code ingress[0]}, or {@code spec.ingressDeny[0]} for a Cilium rule. */
  public String rulePath() {
    return list + "[" + ruleIndex + "]";
  }

  @Override
  public int compareTo(Origin o) {
    return ORDER.compare(this, o);
  }

  /** {@code ns/policy ingress[0]}: the policy, then {@link #rulePath()}. */
  @Override
  public String toString() {
    return policy + " " + rulePath();
  }
}
