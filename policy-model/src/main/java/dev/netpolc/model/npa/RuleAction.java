package dev.netpolc.model.npa;

import java.util.Optional;

/** A ClusterNetworkPolicy rule's {@code action} (v1alpha1's {@code Allow} lowers to {@link #ACCEPT}). */
public enum RuleAction {
  /** Accept: this direction is allowed, no later tier is consulted. */
  ACCEPT("Accept"),
  /** Deny: the connection is dropped. */
  DENY("Deny"),
  /** Pass: skip the rest of this tier, go on with the next one. */
  PASS("Pass");

  private final String apiName;

  RuleAction(String apiName) {
    this.apiName = apiName;
  }

  /** The v1alpha2 value as written in YAML. */
  public String apiName() {
    return apiName;
  }

  /** The action for a v1alpha2 value (case-sensitive), or empty. */
  public static Optional<RuleAction> parse(String s) {
    for (RuleAction a : values()) {
      if (a.apiName.equals(s)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
