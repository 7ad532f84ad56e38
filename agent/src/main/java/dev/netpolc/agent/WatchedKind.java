package dev.netpolc.agent;

import java.util.List;

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

  /** Every kind the agent starts an informer for, in start order. */
  public static final List<WatchedKind> ALL = List.of(NAMESPACES, PODS, NODES, NETWORK_POLICIES,
      ADMIN_NETWORK_POLICIES, BASELINE_ADMIN_NETWORK_POLICIES);

  /** {@code group/version}, or {@code version} for the core group: the objects' apiVersion. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
