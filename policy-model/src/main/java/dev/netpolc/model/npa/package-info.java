/**
 * The sig-network cluster policy API ({@code policy.networking.k8s.io}): ClusterNetworkPolicy
 * (v1alpha2) and its predecessors AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1),
 * as written, with the positions of every field. {@link dev.netpolc.model.npa.V1alpha1Lowering}
 * turns the v1alpha1 kinds into ClusterNetworkPolicies as SEMANTICS-TIERS.md defines them, so
 * that everything after the model reads one form.
 */
package dev.netpolc.model.npa;
