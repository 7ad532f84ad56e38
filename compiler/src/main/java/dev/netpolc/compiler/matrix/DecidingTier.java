package dev.netpolc.compiler.matrix;

import java.util.Locale;

/**
 * Which tier of SEMANTICS-TIERS.md made a matrix cell's decision, or {@link #NONE} when no policy
 * was consulted (a pair that never becomes a connection, or the node-local exemption).
 */
public enum DecidingTier {
  /** An Admin-tier rule accepted or denied. */
  ADMIN,
  /** The NetworkPolicy tier: a rule allowed, or isolation denied. */
  NETWORK_POLICY,
  /** A Baseline-tier rule accepted or denied. */
  BASELINE,
  /**
   * One of Calico's tiers (input with Calico objects): a rule's Allow or Deny, or the tier's
   * default Deny; {@link DirectionDecision#calicoTier()} names the tier.
   */
  CALICO,
  /** No tier decided: allowed by default (or the side is not a pod policy applies to). */
  DEFAULT,
  /** No policy was consulted. */
  NONE;

  /** The report's name: {@code admin}, {@code network-policy}, {@code baseline}, {@code calico}, {@code default}, {@code none}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
