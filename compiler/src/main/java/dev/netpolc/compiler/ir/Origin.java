package dev.netpolc.compiler.ir;

import dev.netpolc.model.SourcePosition;
import java.util.Comparator;
import java.util.Objects;

/**
 * Where a rule came from: the policy, the direction, the rule's index in the policy's
 * {@code ingress}/{@code egress} list, and the rule's source position. Backends print
 * {@link #toString()} in comments; {@code explain} prints the position too.
 *
 * @param policy    {@code namespace/name} of the policy
 * @param direction the policy's rule list
 * @param ruleIndex index in that list
 * @param position  where the rule was written ({@link SourcePosition#UNKNOWN} when built in code)
 */
public record Origin(String policy, Direction direction, int ruleIndex, SourcePosition position)
    implements Comparable<Origin> {

  private static final Comparator<Origin> ORDER = Comparator.comparing(Origin::policy)
      .thenComparing(Origin::direction).thenComparingInt(Origin::ruleIndex);

  public Origin {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(position, "position");
  }

  @Override
  public int compareTo(Origin o) {
    return ORDER.compare(this, o);
  }

  /** {@code ns/policy ingress[0]}. */
  @Override
  public String toString() {
    return policy + " " + direction.apiName() + "[" + ruleIndex + "]";
  }
}
