package dev.netpolc.compiler.reference;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.npa.RuleAction;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision for one direction of a connection: egress at the source, ingress at the
 * destination, through the tiers of SEMANTICS-TIERS.md: Admin, NetworkPolicy, Baseline, then
 * the default (allowed); or, in the {@code calico} profile (the input holds Calico objects),
 * through Calico's tiers (SEMANTICS-CALICO.md): then {@code decidedBy} is {@link DecidedBy#CALICO}
 * and {@code calicoTiers} holds each tier that took part.
 *
 * @param direction     the direction
 * @param applies       true when that side is a pod that policy applies to (otherwise allowed)
 * @param selecting     every NetworkPolicy that selects the pod and isolates it in this direction,
 *                      in input order; the pod is isolated when this is non-empty
 * @param match         the first NetworkPolicy rule (input order) that allowed the connection, if any
 * @param misses        for each selecting NetworkPolicy when nothing matched, why
 * @param admin         the Admin tier's part (empty when no Admin policy selects the pod in this
 *                      direction)
 * @param baseline      the Baseline tier's part, when evaluation reached it and a Baseline
 *                      policy selects the pod in this direction
 * @param decidedBy     the tier whose decision is final
 * @param networkPolicyTierSkipped true when the NetworkPolicy tier did not apply (egress from a
 *                      pod to its own node)
 * @param calicoTiers   for {@link DecidedBy#CALICO}: the Calico tiers that took part, in order,
 *                      the last one decisive (empty: no policy applies, allowed by the profile);
 *                      empty otherwise
 * @param ciliumMatch   for {@link DecidedBy#CILIUM}: the deny or allow rule that decided; empty
 *                      when none matched (then {@code selecting} says whether the pod is in
 *                      default deny); empty otherwise
 */
public record DirectionVerdict(PolicyType direction, boolean applies, List<PolicyRef> selecting,
    Optional<RuleMatch> match, List<PolicyMiss> misses, Optional<TierStep> admin, Optional<TierStep> baseline,
    DecidedBy decidedBy, boolean networkPolicyTierSkipped, List<CalicoTierStep> calicoTiers,
    Optional<CiliumRuleMatch> ciliumMatch) {

  /** Which tier made the final decision of a direction. */
  public enum DecidedBy {
    /** No pod on that side, or no tier said anything: allowed. */
    DEFAULT,
    /** An Admin-tier rule accepted or denied. */
    ADMIN,
    /** The NetworkPolicy tier: the pod is isolated and a rule allowed, or none did. */
    NETWORK_POLICY,
    /** A Baseline-tier rule accepted or denied. */
    BASELINE,
    /**
     * Calico's tiers (the {@code calico} profile): a rule's Allow or Deny, a tier's default Deny,
     * or, when every tier passed or none applies, Calico's profile (allowed).
     */
    CALICO,
    /**
     * The {@code cilium} profile (SEMANTICS-CILIUM.md): a deny rule, else an allow rule of a
     * Cilium policy or NetworkPolicy, else default deny when {@code selecting} is non-empty, else
     * allowed.
     */
    CILIUM
  }

  public DirectionVerdict {
    Objects.requireNonNull(direction, "direction");
    selecting = ImmutableList.copyOf(selecting);
    Objects.requireNonNull(match, "match");
    misses = ImmutableList.copyOf(misses);
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(decidedBy, "decidedBy");
    calicoTiers = ImmutableList.copyOf(calicoTiers);
    Objects.requireNonNull(ciliumMatch, "ciliumMatch");
  }

  /** A verdict with Calico tiers and no Cilium match. */
  public DirectionVerdict(PolicyType direction, boolean applies, List<PolicyRef> selecting,
      Optional<RuleMatch> match, List<PolicyMiss> misses, Optional<TierStep> admin, Optional<TierStep> baseline,
      DecidedBy decidedBy, boolean networkPolicyTierSkipped, List<CalicoTierStep> calicoTiers) {
    this(direction, applies, selecting, match, misses, admin, baseline, decidedBy, networkPolicyTierSkipped,
        calicoTiers, Optional.empty());
  }

  /**
   * A direction at a pod in the {@code cilium} profile.
   *
   * @param defaultDeny the policies that put the pod in default deny for this direction
   * @param decisive    the deny or allow rule that matched, if any
   */
  public static DirectionVerdict cilium(PolicyType direction, List<PolicyRef> defaultDeny,
      Optional<CiliumRuleMatch> decisive) {
    return new DirectionVerdict(direction, true, defaultDeny, Optional.empty(), List.of(), Optional.empty(),
        Optional.empty(), DecidedBy.CILIUM, false, List.of(), decisive);
  }

  /** A verdict of the NetworkPolicy and cluster-policy tiers (no Calico tiers). */
  public DirectionVerdict(PolicyType direction, boolean applies, List<PolicyRef> selecting,
      Optional<RuleMatch> match, List<PolicyMiss> misses, Optional<TierStep> admin, Optional<TierStep> baseline,
      DecidedBy decidedBy, boolean networkPolicyTierSkipped) {
    this(direction, applies, selecting, match, misses, admin, baseline, decidedBy, networkPolicyTierSkipped,
        List.of());
  }

  /** A NetworkPolicy-only verdict (no cluster policy has a say). */
  public DirectionVerdict(PolicyType direction, boolean applies, List<PolicyRef> selecting,
      Optional<RuleMatch> match, List<PolicyMiss> misses) {
    this(direction, applies, selecting, match, misses, Optional.empty(), Optional.empty(),
        !selecting.isEmpty() ? DecidedBy.NETWORK_POLICY : DecidedBy.DEFAULT, false);
  }

  /** A direction at a Calico workload endpoint decided by the tiers that took part, in order. */
  public static DirectionVerdict calico(PolicyType direction, List<CalicoTierStep> tiers) {
    return new DirectionVerdict(direction, true, List.of(), Optional.empty(), List.of(), Optional.empty(),
        Optional.empty(), DecidedBy.CALICO, false, tiers);
  }

  /** The Calico tier that decided: the last one that took part, if any. */
  public Optional<CalicoTierStep> decidingCalicoTier() {
    return calicoTiers.isEmpty() ? Optional.empty() : Optional.of(calicoTiers.get(calicoTiers.size() - 1));
  }

  /** A direction with no pod on that side: policy has no say. */
  public static DirectionVerdict notApplicable(PolicyType direction) {
    return new DirectionVerdict(direction, false, List.of(), Optional.empty(), List.of());
  }

  /** True when the pod on this side is isolated in this direction by NetworkPolicies. */
  public boolean isolated() {
    return !selecting.isEmpty();
  }

  /** The step of the tier that decided, for Admin and Baseline decisions. */
  public Optional<TierStep> decidingStep() {
    return switch (decidedBy) {
      case ADMIN -> admin;
      case BASELINE -> baseline;
      default -> Optional.empty();
    };
  }

  /** True when this direction lets the connection through. */
  public boolean allowed() {
    return switch (decidedBy) {
      case DEFAULT -> true;
      case NETWORK_POLICY -> match.isPresent();
      case ADMIN, BASELINE -> decidingStep().flatMap(TierStep::match)
          .map(m -> m.action() == RuleAction.ACCEPT).orElse(true);
      // After the last tier passed, or with no tier at all, Calico's profile allows.
      case CALICO -> decidingCalicoTier().map(t -> t.outcome() == CalicoTierStep.Outcome.ALLOW
          || t.outcome().passes()).orElse(true);
      case CILIUM -> ciliumMatch.map(m -> !m.deny()).orElse(selecting.isEmpty());
    };
  }
}
