package dev.netpolc.model.generate;

/**
 * What a generated cluster looks like. The three Antrea shapes reproduce the controller scale
 * tests of Antrea ({@code networkpolicy_controller_perf_test.go}) object for object; the
 * realistic shape mixes the policy patterns seen on real clusters.
 */
public enum ClusterShape {
  /**
   * Deployments of shared-label replicas, a default deny per namespace plus allow rules with pod,
   * namespace and ipBlock peers, named ports and a mix of policy types. Any counts.
   */
  REALISTIC,
  /**
   * Per namespace (label {@code app=<name>}): 4 pods (two {@code app-1=scale-1}, two
   * {@code app-2=scale-2}) and 3 policies of types Ingress+Egress: {@code default-deny-all},
   * {@code np-1} and {@code np-2}, each allowing ingress from its own app. So pods = 4 ×
   * namespaces and policies = 3 × namespaces.
   */
  ANTREA_SMALL_NAMESPACES,
  /**
   * One namespace; every pod labelled {@code app-1=scale-1}; every policy selects
   * {@code app-1=scale-1} and allows ingress from {@code app-1=scale-1}. So namespaces = 1.
   */
  ANTREA_ONE_NAMESPACE,
  /**
   * Namespaces labelled {@code company=company-<i mod 100>}, each with 10 policies and 100 pods:
   * policy j selects {@code app=scale-j} and allows ingress from {@code app=scale-j} pods in the
   * namespaces of the same company. So pods = 100 × namespaces and policies = 10 × namespaces.
   */
  ANTREA_CLUSTER_SCOPED
}
