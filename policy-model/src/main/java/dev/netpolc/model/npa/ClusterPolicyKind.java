package dev.netpolc.model.npa;

/** The kind a cluster policy was written as; lowered v1alpha1 policies remember theirs. */
public enum ClusterPolicyKind {
  /** {@code policy.networking.k8s.io/v1alpha2} ClusterNetworkPolicy. */
  CLUSTER_NETWORK_POLICY("ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2"),
  /** {@code policy.networking.k8s.io/v1alpha1} AdminNetworkPolicy (Admin tier). */
  ADMIN_NETWORK_POLICY("AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1"),
  /** {@code policy.networking.k8s.io/v1alpha1} BaselineAdminNetworkPolicy (Baseline tier). */
  BASELINE_ADMIN_NETWORK_POLICY("BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1");

  private final String kindName;
  private final String apiVersion;

  ClusterPolicyKind(String kindName, String apiVersion) {
    this.kindName = kindName;
    this.apiVersion = apiVersion;
  }

  /** The {@code kind} as written in YAML. */
  public String kindName() {
    return kindName;
  }

  /** The {@code apiVersion} as written in YAML. */
  public String apiVersion() {
    return apiVersion;
  }

  /** The short form used in policy keys and rule comments ({@code cnp}, {@code anp}, {@code banp}). */
  public String shortName() {
    return switch (this) {
      case CLUSTER_NETWORK_POLICY -> "cnp";
      case ADMIN_NETWORK_POLICY -> "anp";
      case BASELINE_ADMIN_NETWORK_POLICY -> "banp";
    };
  }
}
