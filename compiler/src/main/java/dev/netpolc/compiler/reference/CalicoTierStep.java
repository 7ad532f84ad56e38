package dev.netpolc.compiler.reference;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Calico tier's part in a direction's decision (SEMANTICS-CALICO.md, "The decision"). Only
 * tiers with a policy that applies to the endpoint in that direction take part.
 *
 * @param tier          the tier's name
 * @param defaultAction the tier's default action as written ({@code Deny} or {@code Pass})
 * @param applying      the policies of the tier that apply to the endpoint in this direction, in
 *                      evaluation order (order, then name)
 * @param logged        the {@code Log} rules that matched before the tier's outcome, in order
 * @param match         the Allow, Deny or Pass rule that matched, if any
 * @param outcome       what the tier did with the connection
 */
public record CalicoTierStep(String tier, String defaultAction, List<PolicyRef> applying,
    List<CalicoRuleMatch> logged, Optional<CalicoRuleMatch> match, Outcome outcome) {

  /** What a tier did with a connection. */
  public enum Outcome {
    /** A rule allowed it: evaluation stops. */
    ALLOW,
    /** A rule denied it: evaluation stops. */
    DENY,
    /** A rule passed it to the next tier. */
    PASS,
    /** No rule matched and the tier's default action is Deny: denied. */
    DEFAULT_DENY,
    /** No rule matched and the tier's default action is Pass: on to the next tier. */
    DEFAULT_PASS;

    /** True when evaluation goes on with the next tier (or ends allowed after the last). */
    public boolean passes() {
      return this == PASS || this == DEFAULT_PASS;
    }
  }

  public CalicoTierStep {
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(defaultAction, "defaultAction");
    applying = ImmutableList.copyOf(applying);
    logged = ImmutableList.copyOf(logged);
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(outcome, "outcome");
  }
}
