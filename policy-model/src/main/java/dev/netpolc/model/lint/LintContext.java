package dev.netpolc.model.lint;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.validation.CalicoValidator;
import dev.netpolc.model.validation.CiliumValidator;
import dev.netpolc.model.validation.DuplicateObjectCheck;
import dev.netpolc.model.validation.InventoryCheck;
import dev.netpolc.model.validation.Validator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What rules read: the cluster, the configuration, the API validation findings (computed once
 * and shared by the NP1xx rules) and the selection over the inventory.
 */
public final class LintContext {
  /**
   * An API validation finding and the object it is about, if any.
   *
   * @param policy          the NetworkPolicy, empty for a cluster policy or an inventory object
   * @param finding         the finding
   * @param suppressedRules the inline suppressions of the object (a NetworkPolicy's or a cluster
   *                        policy's; none for inventory)
   */
  public record Owned(Optional<NetworkPolicy> policy, Diagnostic finding, Set<String> suppressedRules) {
    public Owned {
      suppressedRules = Set.copyOf(suppressedRules);
    }

    /** A finding about a NetworkPolicy (with its suppressions) or about an inventory object. */
    public Owned(Optional<NetworkPolicy> policy, Diagnostic finding) {
      this(policy, finding, policy.map(NetworkPolicy::suppressedRules).orElse(Set.of()));
    }
  }

  private final Cluster cluster;
  private final LintConfig config;
  private final Selection selection;
  private List<Owned> validation;
  /** Analyses shared by the rules of this run, by type (see {@link #analysis}). */
  private final Map<Class<?>, Object> analyses = new HashMap<>();

  /** The context of one lint run. */
  public LintContext(Cluster cluster, LintConfig config) {
    this.cluster = cluster;
    this.config = config;
    this.selection = new Selection(cluster);
  }

  /** The cluster being linted. */
  public Cluster cluster() {
    return cluster;
  }

  /** The configuration. */
  public LintConfig config() {
    return config;
  }

  /** Selectors resolved against the inventory. */
  public Selection selection() {
    return selection;
  }

  /**
   * The analysis of type {@code type} for this run: computed by {@code compute} on first use,
   * then shared by every rule that asks for it (NP203 and NP204 share one containment analysis).
   * It lives and dies with this context, so no cache outlives a lint run.
   */
  public <T> T analysis(Class<T> type, Function<LintContext, ? extends T> compute) {
    synchronized (analyses) {
      Object found = analyses.get(type);
      if (found == null) {
        found = compute.apply(this);
        analyses.put(type, found);
      }
      return type.cast(found);
    }
  }

  /** Every API validation finding, computed on first use. */
  public synchronized List<Owned> validation() {
    if (validation == null) {
      List<Owned> out = new ArrayList<>();
      Validator validator = new Validator(config.validation());
      List<NetworkPolicy> policies = cluster.policies();
      for (NetworkPolicy p : policies) {
        validator.validate(p).forEach(d -> out.add(new Owned(Optional.of(p), d)));
      }
      for (Map.Entry<Integer, Diagnostic> e : DuplicateObjectCheck.policyDuplicates(policies).entrySet()) {
        out.add(new Owned(Optional.of(policies.get(e.getKey())), e.getValue()));
      }
      clusterPolicies(validator, out);
      calico(out);
      cilium(out);
      DuplicateObjectCheck.inventoryDuplicates(cluster).forEach(d -> out.add(new Owned(Optional.empty(), d)));
      cluster.namespaces().forEach(ns -> InventoryCheck.check(ns).forEach(d -> out.add(new Owned(Optional.empty(), d))));
      cluster.pods().forEach(pod -> InventoryCheck.check(pod).forEach(d -> out.add(new Owned(Optional.empty(), d))));
      validation = List.copyOf(out);
    }
    return validation;
  }

  /** The CRD findings and duplicates of the cluster-scoped policies, each owned by its object's suppressions. */
  private void clusterPolicies(Validator validator, List<Owned> out) {
    for (ClusterNetworkPolicy p : cluster.clusterNetworkPolicies()) {
      validator.validate(p).forEach(d -> out.add(new Owned(Optional.empty(), d, p.suppressedRules())));
    }
    for (AdminNetworkPolicy p : cluster.adminNetworkPolicies()) {
      validator.validate(p).forEach(d -> out.add(new Owned(Optional.empty(), d, p.suppressedRules())));
    }
    for (BaselineAdminNetworkPolicy p : cluster.baselineAdminNetworkPolicies()) {
      validator.validate(p).forEach(d -> out.add(new Owned(Optional.empty(), d, p.suppressedRules())));
    }
    duplicates(ClusterPolicyKind.CLUSTER_NETWORK_POLICY, cluster.clusterNetworkPolicies(), ClusterNetworkPolicy::name,
        ClusterNetworkPolicy::position, ClusterNetworkPolicy::suppressedRules, out);
    duplicates(ClusterPolicyKind.ADMIN_NETWORK_POLICY, cluster.adminNetworkPolicies(), AdminNetworkPolicy::name,
        AdminNetworkPolicy::position, AdminNetworkPolicy::suppressedRules, out);
    duplicates(ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY, cluster.baselineAdminNetworkPolicies(),
        BaselineAdminNetworkPolicy::name, BaselineAdminNetworkPolicy::position,
        BaselineAdminNetworkPolicy::suppressedRules, out);
  }

  /** Cilium's validation findings, each policy's owned by its suppressions, and duplicate policies. */
  private void cilium(List<Owned> out) {
    List<CiliumPolicy> policies = cluster.cilium().policies();
    for (CiliumPolicy p : policies) {
      CiliumValidator.validate(p).forEach(d -> out.add(new Owned(Optional.empty(), d, p.suppressedRules())));
    }
    DuplicateObjectCheck.clusterScopedDuplicates("Cilium", policies, CiliumPolicy::key, CiliumPolicy::position)
        .forEach((i, d) -> out.add(new Owned(Optional.empty(), d, policies.get(i).suppressedRules())));
  }

  /** Calico's validation findings, each policy's owned by its suppressions; tiers, network sets and duplicates. */
  private void calico(List<Owned> out) {
    CalicoResources calico = cluster.calico();
    for (CalicoPolicy p : calico.policies()) {
      CalicoValidator.validate(p).forEach(d -> out.add(new Owned(Optional.empty(), d, p.suppressedRules())));
    }
    Validator validator = new Validator(config.validation());
    for (int i = 0; i < calico.stagedKubernetesPolicies().size(); i++) {
      NetworkPolicy p = calico.stagedKubernetesPolicies().get(i);
      validator.validate(p).forEach(d -> out.add(new Owned(Optional.empty(), d, p.suppressedRules())));
      CalicoValidator.validateStagedAction(p, calico.stagedKubernetesActions().get(i))
          .forEach(d -> out.add(new Owned(Optional.empty(), d, p.suppressedRules())));
    }
    calico.tiers().forEach(t -> CalicoValidator.validate(t).forEach(d -> out.add(new Owned(Optional.empty(), d))));
    calico.networkSets().forEach(ns -> CalicoValidator.validate(ns)
        .forEach(d -> out.add(new Owned(Optional.empty(), d))));
    DuplicateObjectCheck.clusterScopedDuplicates("Calico", calico.policies(), CalicoPolicy::key, CalicoPolicy::position)
        .forEach((i, d) -> out.add(new Owned(Optional.empty(), d, calico.policies().get(i).suppressedRules())));
    DuplicateObjectCheck.clusterScopedDuplicates("Tier", calico.tiers(), CalicoTier::name,
        t -> t.source().objectPosition()).values().forEach(d -> out.add(new Owned(Optional.empty(), d)));
    DuplicateObjectCheck.clusterScopedDuplicates("Calico", calico.networkSets(), CalicoNetworkSet::key,
        ns -> ns.source().objectPosition()).values().forEach(d -> out.add(new Owned(Optional.empty(), d)));
  }

  private static <T> void duplicates(ClusterPolicyKind kind, List<T> objects, Function<T, String> name,
      Function<T, SourcePosition> position, Function<T, Set<String>> suppressed, List<Owned> out) {
    DuplicateObjectCheck.clusterScopedDuplicates(kind.kindName(), objects, name, position).forEach((i, d) ->
        out.add(new Owned(Optional.empty(), d, suppressed.apply(objects.get(i)))));
  }
}
