package dev.netpolc.compiler.reference;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.PolicyType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision for one direction of a connection: egress at the source, ingress at the
 * destination.
 *
 * @param direction the direction
 * @param applies   true when that side is a pod that policy applies to (otherwise allowed)
 * @param selecting every policy that selects the pod and isolates it in this direction, in
 *                  input order; the pod is isolated when this is non-empty
 * @param match     the first rule (input order) that allowed the connection, if any
 * @param misses    for each selecting policy when nothing matched, why
 */
public record DirectionVerdict(PolicyType direction, boolean applies, List<PolicyRef> selecting,
    Optional<RuleMatch> match, List<PolicyMiss> misses) {
  public DirectionVerdict {
    Objects.requireNonNull(direction, "direction");
    selecting = ImmutableList.copyOf(selecting);
    Objects.requireNonNull(match, "match");
    misses = ImmutableList.copyOf(misses);
  }

  /** A direction with no pod on that side: policy has no say. */
  public static DirectionVerdict notApplicable(PolicyType direction) {
    return new DirectionVerdict(direction, false, List.of(), Optional.empty(), List.of());
  }

  /** True when the pod on this side is isolated in this direction. */
  public boolean isolated() {
    return !selecting.isEmpty();
  }

  /** True when this direction lets the connection through. */
  public boolean allowed() {
    return !isolated() || match.isPresent();
  }
}
