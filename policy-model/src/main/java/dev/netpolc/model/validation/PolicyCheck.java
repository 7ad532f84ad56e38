package dev.netpolc.model.validation;

import dev.netpolc.model.NetworkPolicy;

/**
 * One validation rule over a single NetworkPolicy; a {@link ValidationProfile} composes them.
 */
@FunctionalInterface
public interface PolicyCheck {
  /** Reports every violation of this rule in {@code policy} to {@code out}. */
  void check(NetworkPolicy policy, Findings out);
}
