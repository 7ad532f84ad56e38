package dev.netpolc.compiler.convert;

import java.util.Locale;
import java.util.Optional;

/** The dialect a conversion writes. */
public enum ConvertTarget {
  /** networking.k8s.io/v1 NetworkPolicy only. */
  NETWORK_POLICY("networkpolicy"),
  /**
   * policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy, plus NetworkPolicy objects for the
   * policy whose meaning is NetworkPolicy's (namespace isolation).
   */
  CLUSTER_NETWORK_POLICY("clusternetworkpolicy"),
  /**
   * projectcalico.org/v3 Tiers, GlobalNetworkPolicies, NetworkPolicies and network sets, plus
   * the NetworkPolicy objects, which Calico enforces as they are.
   */
  CALICO("calico"),
  /**
   * cilium.io/v2 CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy, plus NetworkPolicy
   * objects, which Cilium enforces beside its own (SEMANTICS-CILIUM.md).
   */
  CILIUM("cilium");

  private final String cliName;

  ConvertTarget(String cliName) {
    this.cliName = cliName;
  }

  /** The name {@code netpolc convert --to} takes. */
  public String cliName() {
    return cliName;
  }

  /** The target named {@code name} (case-insensitive), or empty. */
  public static Optional<ConvertTarget> parse(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (ConvertTarget t : values()) {
      if (t.cliName.equals(n)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
