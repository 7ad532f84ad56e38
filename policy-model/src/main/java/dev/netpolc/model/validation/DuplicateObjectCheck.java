package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * NP107: the same kind and namespace/name defined twice across the inputs. The API server
 * would keep only the last one applied, so one of them silently disappears. Each later copy is
 * reported, with the first definition as related location.
 */
public final class DuplicateObjectCheck {
  /** The rule id. */
  public static final String ID = "NP107";

  private DuplicateObjectCheck() {}

  /**
   * Every later definition of an object already defined: NetworkPolicies, then cluster policies
   * (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy), then Calico policies,
   * tiers and network sets, then namespaces, then pods.
   */
  public static List<Diagnostic> check(Cluster cluster) {
    return ImmutableList.<Diagnostic>builder()
        .addAll(policyDuplicates(cluster.policies()).values())
        .addAll(clusterScopedDuplicates(ClusterPolicyKind.CLUSTER_NETWORK_POLICY.kindName(),
            cluster.clusterNetworkPolicies(), ClusterNetworkPolicy::name, ClusterNetworkPolicy::position).values())
        .addAll(clusterScopedDuplicates(ClusterPolicyKind.ADMIN_NETWORK_POLICY.kindName(),
            cluster.adminNetworkPolicies(), AdminNetworkPolicy::name, AdminNetworkPolicy::position).values())
        .addAll(clusterScopedDuplicates(ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY.kindName(),
            cluster.baselineAdminNetworkPolicies(), BaselineAdminNetworkPolicy::name,
            BaselineAdminNetworkPolicy::position).values())
        // Calico: the key names kind and namespace, so a staged policy never clashes with its enforced twin.
        .addAll(clusterScopedDuplicates("Calico", cluster.calico().policies(), CalicoPolicy::key,
            CalicoPolicy::position).values())
        .addAll(clusterScopedDuplicates("Tier", cluster.calico().tiers(), CalicoTier::name,
            t -> t.source().objectPosition()).values())
        .addAll(clusterScopedDuplicates("Calico", cluster.calico().networkSets(), CalicoNetworkSet::key,
            s -> s.source().objectPosition()).values())
        .addAll(clusterScopedDuplicates("Cilium", cluster.cilium().policies(),
            dev.netpolc.model.cilium.CiliumPolicy::key, dev.netpolc.model.cilium.CiliumPolicy::position).values())
        .addAll(inventoryDuplicates(cluster))
        .build();
  }

  /**
   * The finding about each later copy of a cluster-scoped object of one kind (named by
   * {@code kind}), keyed by the copy's index in {@code objects}. Objects of different kinds never
   * clash: a ClusterNetworkPolicy and an AdminNetworkPolicy may share a name.
   */
  public static <T> SortedMap<Integer, Diagnostic> clusterScopedDuplicates(String kind, List<T> objects,
      Function<T, String> name, Function<T, SourcePosition> position) {
    SortedMap<Integer, Diagnostic> out = new TreeMap<>();
    Map<String, SourcePosition> seen = new HashMap<>(2 * objects.size());
    for (int i = 0; i < objects.size(); i++) {
      T o = objects.get(i);
      SourcePosition first = seen.putIfAbsent(name.apply(o), position.apply(o));
      if (first != null) {
        out.put(i, finding(kind, name.apply(o), position.apply(o), first));
      }
    }
    return out;
  }

  /** Every later definition of a namespace or a pod, in input order. */
  public static List<Diagnostic> inventoryDuplicates(Cluster cluster) {
    ImmutableList.Builder<Diagnostic> out = ImmutableList.builder();
    Map<ObjectKey, SourcePosition> seen = new HashMap<>(2 * (cluster.namespaces().size() + cluster.pods().size()));
    for (Namespace ns : cluster.namespaces()) {
      duplicate(new ObjectKey("Namespace", null, ns.name()), ns.position(), seen, out);
    }
    for (Pod pod : cluster.pods()) {
      duplicate(ObjectKey.of("Pod", pod.namespace(), pod.name()), pod.position(), seen, out);
    }
    return out.build();
  }

  /** The finding about each later copy of a policy, keyed by the copy's index in {@code policies}. */
  public static SortedMap<Integer, Diagnostic> policyDuplicates(List<NetworkPolicy> policies) {
    SortedMap<Integer, Diagnostic> out = new TreeMap<>();
    Map<ObjectKey, SourcePosition> seen = new HashMap<>(2 * policies.size());
    for (int i = 0; i < policies.size(); i++) {
      NetworkPolicy p = policies.get(i);
      SourcePosition first = seen.putIfAbsent(ObjectKey.of("NetworkPolicy", p.namespace(), p.name()), p.position());
      if (first != null) {
        out.put(i, finding("NetworkPolicy", p.key(), p.position(), first));
      }
    }
    return out;
  }

  /**
   * Identifies an object without building its {@code namespace/name} string; namespace is null
   * for cluster-scoped kinds.
   */
  private record ObjectKey(String kind, String namespace, String name) {
    /**
     * The key of a namespaced object. Names with a slash (invalid anyway) are keyed by the whole
     * {@code namespace/name}, so that exactly the objects whose keys read the same are the same.
     */
    static ObjectKey of(String kind, String namespace, String name) {
      if (namespace.indexOf('/') >= 0 || name.indexOf('/') >= 0) {
        return new ObjectKey(kind, "/", namespace + "/" + name);
      }
      return new ObjectKey(kind, namespace, name);
    }

    /** The key as findings show it: {@code name} or {@code namespace/name}. */
    String shown() {
      return namespace == null || namespace.equals("/") ? name : namespace + "/" + name;
    }
  }

  private static void duplicate(ObjectKey key, SourcePosition at,
      Map<ObjectKey, SourcePosition> seen, ImmutableList.Builder<Diagnostic> out) {
    SourcePosition first = seen.putIfAbsent(key, at);
    if (first != null) {
      out.add(finding(key.kind(), key.shown(), at, first));
    }
  }

  private static Diagnostic finding(String kind, String key, SourcePosition at, SourcePosition first) {
    return new Diagnostic(ID, Severity.ERROR, at, "metadata.name",
          "metadata.name: " + kind + " " + key + " is defined twice; only one definition can exist in a cluster",
        List.of(new Diagnostic.Related(first, "first definition of " + kind + " " + key)));
  }
}
