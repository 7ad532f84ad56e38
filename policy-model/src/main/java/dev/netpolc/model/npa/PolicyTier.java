package dev.netpolc.model.npa;

import java.util.Optional;

/** {@code spec.tier} of a ClusterNetworkPolicy. */
public enum PolicyTier {
  /** {@code Admin}: evaluated before NetworkPolicy. */
  ADMIN("Admin"),
  /** {@code Baseline}: evaluated after NetworkPolicy. */
  BASELINE("Baseline");

  private final String apiName;

  PolicyTier(String apiName) {
    this.apiName = apiName;
  }

  /** The value as written in YAML. */
  public String apiName() {
    return apiName;
  }

  /** The tier for an API value (case-sensitive, as the CRD enum), or empty. */
  public static Optional<PolicyTier> parse(String s) {
    for (PolicyTier t : values()) {
      if (t.apiName.equals(s)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
