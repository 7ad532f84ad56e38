package dev.netpolc.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumResources;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.V1alpha1Lowering;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inventory and the policies: everything the compiler and the evaluators read. Namespaces
 * that pods or policies use but that the input does not declare exist implicitly, with only
 * their {@code kubernetes.io/metadata.name} label, as they would on a real cluster.
 *
 * @param namespaces declared namespaces
 * @param pods       pods
 * @param nodes      nodes
 * @param policies   NetworkPolicies
 * @param clusterNetworkPolicies       v1alpha2 ClusterNetworkPolicies
 * @param adminNetworkPolicies         v1alpha1 AdminNetworkPolicies
 * @param baselineAdminNetworkPolicies v1alpha1 BaselineAdminNetworkPolicies
 * @param calico       Calico policies, tiers and network sets, and the ServiceAccounts,
 *                     Services and EndpointSlices their rules refer to
 * @param cilium       CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies
 */
public record Cluster(List<Namespace> namespaces, List<Pod> pods, List<Node> nodes, List<NetworkPolicy> policies,
    List<ClusterNetworkPolicy> clusterNetworkPolicies, List<AdminNetworkPolicy> adminNetworkPolicies,
    List<BaselineAdminNetworkPolicy> baselineAdminNetworkPolicies, CalicoResources calico, CiliumResources cilium) {

  /** The empty cluster. */
  public static final Cluster EMPTY = new Cluster(List.of(), List.of(), List.of(), List.of());

  public Cluster {
    namespaces = ImmutableList.copyOf(namespaces);
    pods = ImmutableList.copyOf(pods);
    nodes = ImmutableList.copyOf(nodes);
    policies = ImmutableList.copyOf(policies);
    clusterNetworkPolicies = ImmutableList.copyOf(clusterNetworkPolicies);
    adminNetworkPolicies = ImmutableList.copyOf(adminNetworkPolicies);
    baselineAdminNetworkPolicies = ImmutableList.copyOf(baselineAdminNetworkPolicies);
    java.util.Objects.requireNonNull(calico, "calico");
    java.util.Objects.requireNonNull(cilium, "cilium");
  }

  /** A cluster without Cilium resources. */
  public Cluster(List<Namespace> namespaces, List<Pod> pods, List<Node> nodes, List<NetworkPolicy> policies,
      List<ClusterNetworkPolicy> clusterNetworkPolicies, List<AdminNetworkPolicy> adminNetworkPolicies,
      List<BaselineAdminNetworkPolicy> baselineAdminNetworkPolicies, CalicoResources calico) {
    this(namespaces, pods, nodes, policies, clusterNetworkPolicies, adminNetworkPolicies, baselineAdminNetworkPolicies,
        calico, CiliumResources.EMPTY);
  }

  /** A cluster without Calico or Cilium resources. */
  public Cluster(List<Namespace> namespaces, List<Pod> pods, List<Node> nodes, List<NetworkPolicy> policies,
      List<ClusterNetworkPolicy> clusterNetworkPolicies, List<AdminNetworkPolicy> adminNetworkPolicies,
      List<BaselineAdminNetworkPolicy> baselineAdminNetworkPolicies) {
    this(namespaces, pods, nodes, policies, clusterNetworkPolicies, adminNetworkPolicies, baselineAdminNetworkPolicies,
        CalicoResources.EMPTY);
  }

  /** A cluster with NetworkPolicies only (no cluster-scoped policies). */
  public Cluster(List<Namespace> namespaces, List<Pod> pods, List<Node> nodes, List<NetworkPolicy> policies) {
    this(namespaces, pods, nodes, policies, List.of(), List.of(), List.of());
  }

  /**
   * Every cluster-scoped policy in its v1alpha2 form: the ClusterNetworkPolicies as written, then
   * the v1alpha1 AdminNetworkPolicies and BaselineAdminNetworkPolicies lowered
   * ({@link V1alpha1Lowering}), in input order per kind. Evaluation order is
   * {@link ClusterNetworkPolicy#ORDER} within each tier.
   */
  public List<ClusterNetworkPolicy> tieredPolicies() {
    if (adminNetworkPolicies.isEmpty() && baselineAdminNetworkPolicies.isEmpty()) {
      return clusterNetworkPolicies;
    }
    List<ClusterNetworkPolicy> out = new ArrayList<>(clusterNetworkPolicies);
    for (AdminNetworkPolicy p : adminNetworkPolicies) {
      out.add(V1alpha1Lowering.lower(p));
    }
    for (BaselineAdminNetworkPolicy p : baselineAdminNetworkPolicies) {
      out.add(V1alpha1Lowering.lower(p));
    }
    return ImmutableList.copyOf(out);
  }

  /** True when the input holds any cluster-scoped policy (of either version). */
  public boolean hasTieredPolicies() {
    return !clusterNetworkPolicies.isEmpty() || !adminNetworkPolicies.isEmpty()
        || !baselineAdminNetworkPolicies.isEmpty();
  }

  /** Declared namespaces by name, plus implicit ones for every namespace a pod or policy names. */
  public Map<String, Namespace> namespacesByName() {
    Map<String, Namespace> out = new LinkedHashMap<>();
    for (Namespace ns : namespaces) {
      out.put(ns.name(), ns);
    }
    for (Pod p : pods) {
      out.computeIfAbsent(p.namespace(), n -> Namespace.of(n, Map.of()));
    }
    for (NetworkPolicy p : policies) {
      out.computeIfAbsent(p.namespace(), n -> Namespace.of(n, Map.of()));
    }
    for (CalicoPolicy p : calico.policies()) {
      if (!p.global()) {
        out.computeIfAbsent(p.namespace(), n -> Namespace.of(n, Map.of()));
      }
    }
    for (CiliumPolicy p : cilium.policies()) {
      if (!p.clusterwide()) {
        out.computeIfAbsent(p.namespace(), n -> Namespace.of(n, Map.of()));
      }
    }
    return ImmutableMap.copyOf(out);
  }

  /** True when the input held any inventory (Namespace or Pod objects). */
  public boolean hasInventory() {
    return !namespaces.isEmpty() || !pods.isEmpty();
  }

  /** This cluster with other NetworkPolicies (same inventory and cluster-scoped policies). */
  public Cluster withPolicies(List<NetworkPolicy> newPolicies) {
    return new Cluster(namespaces, pods, nodes, newPolicies, clusterNetworkPolicies, adminNetworkPolicies,
        baselineAdminNetworkPolicies, calico, cilium);
  }

  /** This cluster with other cluster-scoped policies (same inventory and NetworkPolicies). */
  public Cluster withTieredPolicies(List<ClusterNetworkPolicy> cnps, List<AdminNetworkPolicy> anps,
      List<BaselineAdminNetworkPolicy> banps) {
    return new Cluster(namespaces, pods, nodes, policies, cnps, anps, banps, calico, cilium);
  }

  /** This cluster with other Calico resources (everything else the same). */
  public Cluster withCalico(CalicoResources newCalico) {
    return new Cluster(namespaces, pods, nodes, policies, clusterNetworkPolicies, adminNetworkPolicies,
        baselineAdminNetworkPolicies, newCalico, cilium);
  }

  /** This cluster with other Cilium resources (everything else the same). */
  public Cluster withCilium(CiliumResources newCilium) {
    return new Cluster(namespaces, pods, nodes, policies, clusterNetworkPolicies, adminNetworkPolicies,
        baselineAdminNetworkPolicies, calico, newCilium);
  }

  /** Both inputs together: inventory and policies concatenated. */
  public Cluster plus(Cluster other) {
    return new Cluster(
        ImmutableList.<Namespace>builder().addAll(namespaces).addAll(other.namespaces).build(),
        ImmutableList.<Pod>builder().addAll(pods).addAll(other.pods).build(),
        ImmutableList.<Node>builder().addAll(nodes).addAll(other.nodes).build(),
        ImmutableList.<NetworkPolicy>builder().addAll(policies).addAll(other.policies).build(),
        ImmutableList.<ClusterNetworkPolicy>builder().addAll(clusterNetworkPolicies)
            .addAll(other.clusterNetworkPolicies).build(),
        ImmutableList.<AdminNetworkPolicy>builder().addAll(adminNetworkPolicies).addAll(other.adminNetworkPolicies)
            .build(),
        ImmutableList.<BaselineAdminNetworkPolicy>builder().addAll(baselineAdminNetworkPolicies)
            .addAll(other.baselineAdminNetworkPolicies).build(),
        calico.plus(other.calico), cilium.plus(other.cilium));
  }
}
