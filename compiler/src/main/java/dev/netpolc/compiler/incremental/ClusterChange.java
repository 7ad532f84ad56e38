package dev.netpolc.compiler.incremental;

import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import java.util.Objects;

/**
 * One change to the cluster a {@link CompilerSession} compiles: what a controller sees on its
 * watch streams. An upsert replaces the object with the same key (or adds it), so a pod that is
 * added, relabelled, rescheduled or given another IP is a {@link PodUpserted}.
 *
 * <pre>{@code
 * session.apply(List.of(new ClusterChange.PodUpserted(pod), new ClusterChange.PodRemoved("ns", "old")));
 * }</pre>
 */
public sealed interface ClusterChange {

  /** A pod added or replaced (labels, IPs, node, ports or phase changed). */
  record PodUpserted(Pod pod) implements ClusterChange {
    public PodUpserted {
      Objects.requireNonNull(pod, "pod");
    }
  }

  /** A pod deleted; removing a pod that does not exist is a no-op. */
  record PodRemoved(String namespace, String name) implements ClusterChange {
    public PodRemoved {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
    }

    /** {@code namespace/name}. */
    public String key() {
      return namespace + "/" + name;
    }
  }

  /** A namespace added or relabelled. */
  record NamespaceUpserted(Namespace namespace) implements ClusterChange {
    public NamespaceUpserted {
      Objects.requireNonNull(namespace, "namespace");
    }
  }

  /** A NetworkPolicy added or changed. */
  record PolicyUpserted(NetworkPolicy policy) implements ClusterChange {
    public PolicyUpserted {
      Objects.requireNonNull(policy, "policy");
    }
  }

  /** A NetworkPolicy deleted; removing one that does not exist is a no-op. */
  record PolicyRemoved(String namespace, String name) implements ClusterChange {
    public PolicyRemoved {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
    }

    /** {@code namespace/name}. */
    public String key() {
      return namespace + "/" + name;
    }
  }

  /** A v1alpha2 ClusterNetworkPolicy added or changed (keyed by name). */
  record ClusterNetworkPolicyUpserted(ClusterNetworkPolicy policy) implements ClusterChange {
    public ClusterNetworkPolicyUpserted {
      Objects.requireNonNull(policy, "policy");
    }
  }

  /** A v1alpha1 AdminNetworkPolicy added or changed (keyed by name). */
  record AdminNetworkPolicyUpserted(AdminNetworkPolicy policy) implements ClusterChange {
    public AdminNetworkPolicyUpserted {
      Objects.requireNonNull(policy, "policy");
    }
  }

  /** A v1alpha1 BaselineAdminNetworkPolicy added or changed (keyed by name). */
  record BaselineAdminNetworkPolicyUpserted(BaselineAdminNetworkPolicy policy) implements ClusterChange {
    public BaselineAdminNetworkPolicyUpserted {
      Objects.requireNonNull(policy, "policy");
    }
  }

  /** A cluster-scoped policy of {@code kind} deleted; removing one that does not exist is a no-op. */
  record ClusterScopedPolicyRemoved(ClusterPolicyKind kind, String name) implements ClusterChange {
    public ClusterScopedPolicyRemoved {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * The cluster's Calico objects (tiers, policies, network sets, service accounts, services,
   * endpoint slices) replaced as a whole, as an agent or an embedding CNI holds them; the session
   * recompiles. Staged policies stay unenforced.
   */
  record CalicoObjectsReplaced(dev.netpolc.model.calico.CalicoResources calico) implements ClusterChange {
    public CalicoObjectsReplaced {
      Objects.requireNonNull(calico, "calico");
    }
  }

  /**
   * The cluster's Cilium policies (CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies)
   * replaced as a whole, as an agent or an embedding CNI holds them; the session recompiles.
   */
  record CiliumPoliciesReplaced(dev.netpolc.model.cilium.CiliumResources cilium) implements ClusterChange {
    public CiliumPoliciesReplaced {
      Objects.requireNonNull(cilium, "cilium");
    }
  }
}
