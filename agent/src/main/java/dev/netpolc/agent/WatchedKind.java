package dev.netpolc.agent;

import java.util.List;
import java.util.stream.Stream;

/**
 * A Kubernetes kind the agent watches: what its informer lists and watches, and so what the
 * agent's RBAC must allow (get, list, watch on {@code group}/{@code resource}).
 *
 * @param group      the API group, empty for the core group
 * @param version    the API version within the group
 * @param resource   the plural resource name, as RBAC rules name it
 * @param kind       the object kind
 * @param namespaced true when objects live in a namespace
 * @param optional   true when a cluster may not serve it (then it is skipped with one log line)
 */
public record WatchedKind(String group, String version, String resource, String kind, boolean namespaced,
    boolean optional) {

  /** Namespaces. */
  public static final WatchedKind NAMESPACES = new WatchedKind("", "v1", "namespaces", "Namespace", false, false);
  /** Pods. */
  public static final WatchedKind PODS = new WatchedKind("", "v1", "pods", "Pod", true, false);
  /** Nodes: their addresses are peers of node-traffic rules. */
  public static final WatchedKind NODES = new WatchedKind("", "v1", "nodes", "Node", false, false);
  /** NetworkPolicies. */
  public static final WatchedKind NETWORK_POLICIES =
      new WatchedKind("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false);
  /** AdminNetworkPolicies (sig-network policy API); often not installed. */
  public static final WatchedKind ADMIN_NETWORK_POLICIES = new WatchedKind("policy.networking.k8s.io", "v1alpha1",
      "adminnetworkpolicies", "AdminNetworkPolicy", false, true);
  /** BaselineAdminNetworkPolicies (sig-network policy API); often not installed. */
  public static final WatchedKind BASELINE_ADMIN_NETWORK_POLICIES = new WatchedKind("policy.networking.k8s.io",
      "v1alpha1", "baselineadminnetworkpolicies", "BaselineAdminNetworkPolicy", false, true);

  /** ClusterNetworkPolicies (sig-network policy API v1alpha2); often not installed. */
  public static final WatchedKind CLUSTER_NETWORK_POLICIES = new WatchedKind("policy.networking.k8s.io", "v1alpha2",
      "clusternetworkpolicies", "ClusterNetworkPolicy", false, true);

  /** The API group of Calico's resources as its API server serves them. */
  public static final String CALICO_GROUP = "projectcalico.org";
  /** The API group of Cilium's policies. */
  public static final String CILIUM_GROUP = "cilium.io";

  /** Calico NetworkPolicies (namespaced, in a tier). */
  public static final WatchedKind CALICO_NETWORK_POLICIES = calico("networkpolicies", "NetworkPolicy", true);
  /** Calico GlobalNetworkPolicies. */
  public static final WatchedKind CALICO_GLOBAL_NETWORK_POLICIES =
      calico("globalnetworkpolicies", "GlobalNetworkPolicy", false);
  /** Calico StagedNetworkPolicies: validated and kept, never enforced. */
  public static final WatchedKind CALICO_STAGED_NETWORK_POLICIES =
      calico("stagednetworkpolicies", "StagedNetworkPolicy", true);
  /** Calico StagedGlobalNetworkPolicies: validated and kept, never enforced. */
  public static final WatchedKind CALICO_STAGED_GLOBAL_NETWORK_POLICIES =
      calico("stagedglobalnetworkpolicies", "StagedGlobalNetworkPolicy", false);
  /** Calico StagedKubernetesNetworkPolicies: validated and kept, never enforced. */
  public static final WatchedKind CALICO_STAGED_KUBERNETES_NETWORK_POLICIES =
      calico("stagedkubernetesnetworkpolicies", "StagedKubernetesNetworkPolicy", true);
  /** Calico Tiers: the order of the policies in them. */
  public static final WatchedKind CALICO_TIERS = calico("tiers", "Tier", false);
  /** Calico NetworkSets: labelled address sets a namespace's selectors match. */
  public static final WatchedKind CALICO_NETWORK_SETS = calico("networksets", "NetworkSet", true);
  /** Calico GlobalNetworkSets: labelled address sets any selector matches. */
  public static final WatchedKind CALICO_GLOBAL_NETWORK_SETS = calico("globalnetworksets", "GlobalNetworkSet", false);

  /** CiliumNetworkPolicies (namespaced). */
  public static final WatchedKind CILIUM_NETWORK_POLICIES = new WatchedKind(CILIUM_GROUP, "v2",
      "ciliumnetworkpolicies", "CiliumNetworkPolicy", true, true);
  /** CiliumClusterwideNetworkPolicies. */
  public static final WatchedKind CILIUM_CLUSTERWIDE_NETWORK_POLICIES = new WatchedKind(CILIUM_GROUP, "v2",
      "ciliumclusterwidenetworkpolicies", "CiliumClusterwideNetworkPolicy", false, true);

  /** ServiceAccounts: what Calico's {@code serviceAccountSelector} matches. */
  public static final WatchedKind SERVICE_ACCOUNTS =
      new WatchedKind("", "v1", "serviceaccounts", "ServiceAccount", true, true);
  /** Services: what Calico's {@code services} rules name. */
  public static final WatchedKind SERVICES = new WatchedKind("", "v1", "services", "Service", true, true);
  /** EndpointSlices: the addresses of Calico's {@code services} and of Cilium's kube-apiserver entity. */
  public static final WatchedKind ENDPOINT_SLICES =
      new WatchedKind("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, true);

  /**
   * The objects Calico's and Cilium's rules refer to. Watched only when the cluster serves a
   * Calico or Cilium kind: elsewhere no rule reads them, and EndpointSlices change with every
   * rollout. The model keeps them with the Calico objects, so they go to the compiler in that set.
   */
  public static final List<WatchedKind> REFERENCED = List.of(SERVICE_ACCOUNTS, SERVICES, ENDPOINT_SLICES);

  /** The Calico kinds, in start order: handed to the compiler together, as one set. */
  public static final List<WatchedKind> CALICO = List.of(CALICO_TIERS, CALICO_GLOBAL_NETWORK_POLICIES,
      CALICO_NETWORK_POLICIES, CALICO_STAGED_GLOBAL_NETWORK_POLICIES, CALICO_STAGED_NETWORK_POLICIES,
      CALICO_STAGED_KUBERNETES_NETWORK_POLICIES, CALICO_GLOBAL_NETWORK_SETS, CALICO_NETWORK_SETS);
  /** The Cilium kinds, in start order: handed to the compiler together, as one set. */
  public static final List<WatchedKind> CILIUM = List.of(CILIUM_CLUSTERWIDE_NETWORK_POLICIES, CILIUM_NETWORK_POLICIES);

  /**
   * Every kind the agent starts an informer for, in start order: every kind the model reads,
   * except Calico's HostEndpoint (host policy, which the model refuses). {@link #REFERENCED} come
   * last, after the kinds that decide whether they are needed.
   */
  public static final List<WatchedKind> ALL = Stream.concat(Stream.of(NAMESPACES, PODS, NODES,
      NETWORK_POLICIES, CLUSTER_NETWORK_POLICIES, ADMIN_NETWORK_POLICIES, BASELINE_ADMIN_NETWORK_POLICIES),
      Stream.of(CALICO, CILIUM, REFERENCED).flatMap(List::stream)).toList();

  private static WatchedKind calico(String resource, String kind, boolean namespaced) {
    return new WatchedKind(CALICO_GROUP, "v3", resource, kind, namespaced, true);
  }

  /** True for Calico's kinds. */
  public boolean calico() {
    return group.equals(CALICO_GROUP);
  }

  /** True for the kinds the model keeps with Calico's objects: Calico's own and {@link #REFERENCED}. */
  public boolean inCalicoSet() {
    return calico() || REFERENCED.contains(this);
  }

  /** True for Cilium's kinds. */
  public boolean cilium() {
    return group.equals(CILIUM_GROUP);
  }

  /**
   * The kind as logs and metric labels name it: the kind, or {@code Kind.group} for Calico's
   * kinds, whose names (NetworkPolicy) repeat Kubernetes' own.
   */
  public String label() {
    return calico() ? kind + "." + group : kind;
  }

  /** {@code group/version}, or {@code version} for the core group: the objects' apiVersion. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
