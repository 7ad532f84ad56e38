package dev.netpolc.model.cilium;

/** The two Cilium policy kinds netpolc reads: namespaced and cluster-wide. */
public enum CiliumKind {
  /** {@code CiliumNetworkPolicy}: namespaced; its selectors are limited to its namespace. */
  CILIUM_NETWORK_POLICY("CiliumNetworkPolicy", true),
  /** {@code CiliumClusterwideNetworkPolicy}: selects endpoints of every namespace. */
  CILIUM_CLUSTERWIDE_NETWORK_POLICY("CiliumClusterwideNetworkPolicy", false);

  /** The apiVersion both kinds are read in. */
  public static final String API_VERSION = "cilium.io/v2";

  private final String kindName;
  private final boolean namespaced;

  CiliumKind(String kindName, boolean namespaced) {
    this.kindName = kindName;
    this.namespaced = namespaced;
  }

  /** The {@code kind} as written in YAML. */
  public String kindName() {
    return kindName;
  }

  /** True for CiliumNetworkPolicy. */
  public boolean namespaced() {
    return namespaced;
  }

  /** The kind named {@code kindName}, or null. */
  public static CiliumKind of(String kindName) {
    for (CiliumKind k : values()) {
      if (k.kindName.equals(kindName)) {
        return k;
      }
    }
    return null;
  }
}
