package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import java.util.List;
import java.util.concurrent.ForkJoinTask;
import java.util.stream.Collectors;

/**
 * Reproduces the Kubernetes API server's validation of NetworkPolicies, of the cluster policy
 * CRDs (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy:
 * {@link ClusterPolicyValidator}), Calico's resources ({@link CalicoValidator}), Cilium's policies
 * ({@link CiliumValidator}) and of the names and labels of the inventory objects, so that
 * {@code netpolc lint} rejects what {@code kubectl apply} would. Findings carry a rule id, the
 * field path as the API server names it and the position of that field.
 *
 * <pre>{@code
 * List<Diagnostic> problems = new Validator(ValidationOptions.DEFAULT).validate(cluster);
 * }</pre>
 *
 * Which of these findings stop a compile or an analysis is decided by {@link AcceptanceGate}.
 */
public final class Validator {
  /** Clusters with this many policies and pods or more are validated on every core. */
  private static final int PARALLEL_FROM = 5_000;

  private final ValidationProfile profile;

  /** A validator with these options. */
  public Validator(ValidationOptions options) {
    this.profile = ValidationProfile.networkingV1(options);
  }

  /**
   * Every finding about the cluster: per NetworkPolicy in input order, then per cluster policy
   * (ClusterNetworkPolicies, AdminNetworkPolicies, BaselineAdminNetworkPolicies, each in input
   * order), then Calico resources ({@link CalicoValidator}), then Cilium policies
   * ({@link CiliumValidator}), then duplicates, then inventory.
   */
  public List<Diagnostic> validate(Cluster cluster) {
    // A large cluster's objects are checked on every core, the cross-object checks beside them;
    // the findings keep their order.
    boolean large = cluster.policies().size() + cluster.pods().size() >= PARALLEL_FROM;
    ForkJoinTask<List<Diagnostic>> crossObject = ForkJoinTask.adapt(() -> ImmutableList.<Diagnostic>builder()
        .addAll(DuplicateObjectCheck.check(cluster))
        .addAll(InventoryCheck.checkAll(cluster.namespaces(), cluster.pods())).build());
    if (large) {
      crossObject.fork();
    }
    ImmutableList.Builder<Diagnostic> out = ImmutableList.builder();
    (large ? cluster.policies().parallelStream() : cluster.policies().stream()).map(profile::validate)
        .collect(Collectors.toList()).forEach(out::addAll);
    for (ClusterNetworkPolicy p : cluster.clusterNetworkPolicies()) {
      out.addAll(validate(p));
    }
    for (AdminNetworkPolicy p : cluster.adminNetworkPolicies()) {
      out.addAll(validate(p));
    }
    for (BaselineAdminNetworkPolicy p : cluster.baselineAdminNetworkPolicies()) {
      out.addAll(validate(p));
    }
    out.addAll(CalicoValidator.validate(cluster.calico()));
    out.addAll(CiliumValidator.validate(cluster.cilium()));
    // Calico validates a StagedKubernetesNetworkPolicy as the NetworkPolicy it stages.
    for (int i = 0; i < cluster.calico().stagedKubernetesPolicies().size(); i++) {
      NetworkPolicy p = cluster.calico().stagedKubernetesPolicies().get(i);
      out.addAll(profile.validate(p));
      out.addAll(CalicoValidator.validateStagedAction(p, cluster.calico().stagedKubernetesActions().get(i)));
    }
    out.addAll(large ? crossObject.join() : crossObject.invoke());
    return out.build();
  }

  /** The findings about one policy alone (no cross-object checks such as duplicates). */
  public List<Diagnostic> validate(NetworkPolicy policy) {
    return profile.validate(policy);
  }

  /** The findings about one v1alpha2 ClusterNetworkPolicy alone (CRD validation, NP1xx). */
  public List<Diagnostic> validate(ClusterNetworkPolicy policy) {
    return ClusterPolicyValidator.validate(policy);
  }

  /** The findings about one v1alpha1 AdminNetworkPolicy alone. */
  public List<Diagnostic> validate(AdminNetworkPolicy policy) {
    return ClusterPolicyValidator.validate(policy);
  }

  /** The findings about one v1alpha1 BaselineAdminNetworkPolicy alone. */
  public List<Diagnostic> validate(BaselineAdminNetworkPolicy policy) {
    return ClusterPolicyValidator.validate(policy);
  }

  /**
   * True when the finding makes the input unfit to compile.
   *
   * @deprecated the decision is {@link AcceptanceGate#blocks}; this delegates to it
   */
  @Deprecated
  public static boolean blocksCompilation(Diagnostic d) {
    return AcceptanceGate.blocks(d);
  }
}
