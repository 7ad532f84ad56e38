package dev.netpolc.model.calico;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.NetworkPolicy;
import java.util.List;
import java.util.Optional;

/**
 * Everything Calico-specific an input held, each kind in input order: the policies (enforced
 * and staged), tiers, network sets, and the Kubernetes ServiceAccounts, Services and
 * EndpointSlices that Calico rules refer to. One component of {@link dev.netpolc.model.Cluster}.
 *
 * @param policies        NetworkPolicies, GlobalNetworkPolicies and their staged forms
 * @param tiers           Tiers as written (the built-in ones exist without being written:
 *                        {@link #tier(String)})
 * @param networkSets     NetworkSets and GlobalNetworkSets
 * @param serviceAccounts ServiceAccounts
 * @param services        Services
 * @param endpointSlices  EndpointSlices
 * @param stagedKubernetesPolicies Calico's StagedKubernetesNetworkPolicies: Kubernetes
 *                        NetworkPolicies that are previewed ({@code diff --staged}), never enforced
 * @param stagedKubernetesActions each staged Kubernetes policy's {@code spec.stagedAction}, in the
 *                        same order ({@code Set} where none was written; an empty list means
 *                        {@code Set} for all)
 */
public record CalicoResources(List<CalicoPolicy> policies, List<CalicoTier> tiers, List<CalicoNetworkSet> networkSets,
    List<ServiceAccount> serviceAccounts, List<Service> services, List<EndpointSlice> endpointSlices,
    List<NetworkPolicy> stagedKubernetesPolicies, List<String> stagedKubernetesActions) {

  /** The order Calico gives a Kubernetes NetworkPolicy in the {@code default} tier. */
  public static final double KUBERNETES_POLICY_ORDER = 1000;
  /** The name prefix Calico gives a Kubernetes NetworkPolicy ({@code knp.default.<name>}). */
  public static final String KUBERNETES_POLICY_PREFIX = "knp.default.";

  /** No Calico resources. */
  public static final CalicoResources EMPTY =
      new CalicoResources(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  public CalicoResources {
    policies = ImmutableList.copyOf(policies);
    tiers = ImmutableList.copyOf(tiers);
    networkSets = ImmutableList.copyOf(networkSets);
    serviceAccounts = ImmutableList.copyOf(serviceAccounts);
    services = ImmutableList.copyOf(services);
    endpointSlices = ImmutableList.copyOf(endpointSlices);
    stagedKubernetesPolicies = ImmutableList.copyOf(stagedKubernetesPolicies);
    if (stagedKubernetesActions.isEmpty()) {
      stagedKubernetesActions = java.util.Collections.nCopies(stagedKubernetesPolicies.size(), "Set");
    }
    if (stagedKubernetesActions.size() != stagedKubernetesPolicies.size()) {
      throw new IllegalArgumentException("one stagedAction per staged Kubernetes policy");
    }
    stagedKubernetesActions = ImmutableList.copyOf(stagedKubernetesActions);
  }

  /** Resources whose StagedKubernetesNetworkPolicies all have {@code stagedAction} {@code Set}. */
  public CalicoResources(List<CalicoPolicy> policies, List<CalicoTier> tiers, List<CalicoNetworkSet> networkSets,
      List<ServiceAccount> serviceAccounts, List<Service> services, List<EndpointSlice> endpointSlices,
      List<NetworkPolicy> stagedKubernetesPolicies) {
    this(policies, tiers, networkSets, serviceAccounts, services, endpointSlices, stagedKubernetesPolicies, List.of());
  }

  /** Resources without StagedKubernetesNetworkPolicies. */
  public CalicoResources(List<CalicoPolicy> policies, List<CalicoTier> tiers, List<CalicoNetworkSet> networkSets,
      List<ServiceAccount> serviceAccounts, List<Service> services, List<EndpointSlice> endpointSlices) {
    this(policies, tiers, networkSets, serviceAccounts, services, endpointSlices, List.of(), List.of());
  }

  /** True when the input held a Calico policy (staged ones included), tier or network set. */
  public boolean hasCalicoObjects() {
    return !policies.isEmpty() || !tiers.isEmpty() || !networkSets.isEmpty() || !stagedKubernetesPolicies.isEmpty();
  }

  /** True when nothing at all was read into this component. */
  public boolean isEmpty() {
    return equals(EMPTY);
  }

  /** The policies that are enforced (not {@code Staged*}), in input order. */
  public List<CalicoPolicy> enforcedPolicies() {
    return policies.stream().filter(p -> !p.staged()).collect(ImmutableList.toImmutableList());
  }

  /** The {@code Staged*} policies, in input order. */
  public List<CalicoPolicy> stagedPolicies() {
    return policies.stream().filter(CalicoPolicy::staged).collect(ImmutableList.toImmutableList());
  }

  /**
   * The tier named {@code name}: the one written, else the built-in {@code default},
   * {@code kube-admin} or {@code kube-baseline}; empty for any other name.
   */
  public Optional<CalicoTier> tier(String name) {
    for (CalicoTier t : tiers) {
      if (t.name().equals(name)) {
        return Optional.of(t);
      }
    }
    for (CalicoTier t : List.of(CalicoTier.DEFAULT, CalicoTier.KUBE_ADMIN, CalicoTier.KUBE_BASELINE)) {
      if (t.name().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * Every tier in evaluation order ({@link CalicoTier#ORDER}): the tiers written, and the built-in
   * {@code default}, {@code kube-admin} and {@code kube-baseline} tiers unless written. Which of
   * them take part for an endpoint is the evaluator's question (only tiers with a policy that
   * applies to it).
   */
  public List<CalicoTier> tiersInOrder() {
    java.util.Map<String, CalicoTier> byName = new java.util.LinkedHashMap<>();
    for (CalicoTier t : List.of(CalicoTier.DEFAULT, CalicoTier.KUBE_ADMIN, CalicoTier.KUBE_BASELINE)) {
      byName.put(t.name(), t);
    }
    for (CalicoTier t : tiers) {
      CalicoTier known = byName.get(t.name());
      // A written tier replaces a built-in one; of two written with one name the first counts (NP107).
      if (known == null || known.source() == dev.netpolc.model.SourceMap.EMPTY) {
        byName.put(t.name(), t);
      }
    }
    return byName.values().stream().sorted(CalicoTier.ORDER).collect(ImmutableList.toImmutableList());
  }

  /** The enforced (not staged) policies of tier {@code tier}, in evaluation order ({@link CalicoPolicy#ORDER}). */
  public List<CalicoPolicy> policiesInTier(String tier) {
    return policies.stream().filter(p -> !p.staged() && p.tier().equals(tier)).sorted(CalicoPolicy.ORDER)
        .collect(ImmutableList.toImmutableList());
  }

  /** The ServiceAccount {@code namespace/name}, when the input has it. */
  public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
    return serviceAccounts.stream().filter(sa -> sa.namespace().equals(namespace) && sa.name().equals(name))
        .findFirst();
  }

  /** The Service {@code namespace/name}, when the input has it. */
  public Optional<Service> service(String namespace, String name) {
    return services.stream().filter(s -> s.namespace().equals(namespace) && s.name().equals(name)).findFirst();
  }

  /**
   * The EndpointSlices of the Service {@code namespace/serviceName} (by their
   * {@code kubernetes.io/service-name} label), in input order: the addresses and ports a
   * {@code services} entity rule matches.
   */
  public List<EndpointSlice> endpointSlices(String namespace, String serviceName) {
    return endpointSlices.stream().filter(e -> e.namespace().equals(namespace) && e.serviceName().equals(serviceName))
        .collect(ImmutableList.toImmutableList());
  }

  /** Both inputs together, each list concatenated. */
  public CalicoResources plus(CalicoResources other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    return new CalicoResources(concat(policies, other.policies), concat(tiers, other.tiers),
        concat(networkSets, other.networkSets), concat(serviceAccounts, other.serviceAccounts),
        concat(services, other.services), concat(endpointSlices, other.endpointSlices),
        concat(stagedKubernetesPolicies, other.stagedKubernetesPolicies),
        concat(stagedKubernetesActions, other.stagedKubernetesActions));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    return ImmutableList.<T>builder().addAll(a).addAll(b).build();
  }
}
