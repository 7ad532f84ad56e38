package dev.netpolc.model.calico;

/** The Calico policy kinds netpolc reads: namespaced or global, enforced or staged. */
public enum CalicoKind {
  /** {@code NetworkPolicy}: namespaced. */
  NETWORK_POLICY("NetworkPolicy", true, false),
  /** {@code GlobalNetworkPolicy}: cluster-wide. */
  GLOBAL_NETWORK_POLICY("GlobalNetworkPolicy", false, false),
  /** {@code StagedNetworkPolicy}: a namespaced policy that is previewed, never enforced. */
  STAGED_NETWORK_POLICY("StagedNetworkPolicy", true, true),
  /** {@code StagedGlobalNetworkPolicy}: a global policy that is previewed, never enforced. */
  STAGED_GLOBAL_NETWORK_POLICY("StagedGlobalNetworkPolicy", false, true);

  /** The apiVersion of Calico's API server resources. */
  public static final String API_VERSION = "projectcalico.org/v3";
  /** The apiVersion of the CRDs Calico stores them in ({@code kubectl get} prints this form). */
  public static final String CRD_API_VERSION = "crd.projectcalico.org/v1";

  private final String kindName;
  private final boolean namespaced;
  private final boolean staged;

  CalicoKind(String kindName, boolean namespaced, boolean staged) {
    this.kindName = kindName;
    this.namespaced = namespaced;
    this.staged = staged;
  }

  /** The {@code kind} as written in YAML. */
  public String kindName() {
    return kindName;
  }

  /** True for the namespaced kinds (NetworkPolicy and StagedNetworkPolicy). */
  public boolean namespaced() {
    return namespaced;
  }

  /** True for the {@code Staged*} kinds: read and validated, never enforced. */
  public boolean staged() {
    return staged;
  }

  /** The kind named {@code kindName}, or null. */
  public static CalicoKind of(String kindName) {
    for (CalicoKind k : values()) {
      if (k.kindName.equals(kindName)) {
        return k;
      }
    }
    return null;
  }

  /** True for the two apiVersions Calico's resources are read in. */
  public static boolean isCalicoApiVersion(String apiVersion) {
    return API_VERSION.equals(apiVersion) || CRD_API_VERSION.equals(apiVersion);
  }
}
