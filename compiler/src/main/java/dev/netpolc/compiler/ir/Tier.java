package dev.netpolc.compiler.ir;

/**
 * The tiers a direction of an endpoint group is evaluated through, in this order. In each tier
 * the rules are ordered by priority, then by position, and the first matching rule decides:
 * {@link Action#ALLOW} and {@link Action#DENY} end the evaluation, {@link Action#PASS} moves to
 * the next tier. When no rule of {@link #NETWORK_POLICY} matches and the group is isolated in
 * that direction, the connection is denied (Kubernetes' default deny). After the last tier
 * the connection is allowed.
 */
public enum Tier {
  /** AdminNetworkPolicy / ClusterNetworkPolicy Admin tier (and Calico tiers placed before it). */
  ADMIN,
  /** Kubernetes NetworkPolicy: additive allows, then default deny when isolated. */
  NETWORK_POLICY,
  /** BaselineAdminNetworkPolicy / ClusterNetworkPolicy Baseline tier. */
  BASELINE
}
