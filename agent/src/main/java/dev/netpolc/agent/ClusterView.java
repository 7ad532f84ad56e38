package dev.netpolc.agent;

import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumResources;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster as the agent enforces it: the last <em>accepted</em> version of every watched
 * object, keyed by namespace/name. An update the model rejects leaves the object's last accepted
 * version in place, so the rules of its subjects stay as they were (never an allow the objects
 * did not ask for); a rejected object that was never accepted is left out, as it was before it
 * came. Updates that do not change the model object (status heartbeats, annotations) change
 * nothing.
 *
 * <p>Calico's and Cilium's objects are kept per kind and key like the rest, but the compiler
 * session takes each dialect only as a whole ({@link ClusterChange.CalicoObjectsReplaced},
 * {@link ClusterChange.CiliumPoliciesReplaced}): a batch that changed any of them ends with one
 * such change per dialect, holding every accepted object of it. Not thread-safe: the applier
 * thread owns it.
 */
public final class ClusterView {
  private final ModelConverter converter;
  /** Every watched kind's accepted model objects by key, kinds in {@link WatchedKind#ALL} order. */
  private final Map<WatchedKind, Map<String, Object>> objects = new LinkedHashMap<>();
  /** The fingerprints of the accepted custom resources ({@link ModelConverter#fingerprint}) by kind and key. */
  private final Map<WatchedKind, Map<String, String>> fingerprints = new LinkedHashMap<>();
  private CalicoResources calico = CalicoResources.EMPTY;
  private CiliumResources cilium = CiliumResources.EMPTY;

  /** A view reading objects with {@code converter}. */
  public ClusterView(ModelConverter converter) {
    this.converter = Objects.requireNonNull(converter, "converter");
    for (WatchedKind k : WatchedKind.ALL) {
      objects.put(k, new TreeMap<>());
      fingerprints.put(k, new HashMap<>());
    }
  }

  /**
   * What one batch of events changed.
   *
   * @param changes    the session changes, in event order
   * @param newSession true when a change has no session counterpart (a node changed, a
   *     namespace was deleted): the session must be rebuilt from {@link #cluster()}
   * @param rejected   the objects the model rejected, with why
   */
  public record Changes(List<ClusterChange> changes, boolean newSession, List<Rejection> rejected) {
    public Changes {
      changes = List.copyOf(changes);
      rejected = List.copyOf(rejected);
    }

    /** True when the enforced cluster did not change. */
    public boolean isEmpty() {
      return changes.isEmpty() && !newSession;
    }
  }

  /**
   * An object the model rejected.
   *
   * @param event   the event that brought it
   * @param reason  the reader's or gate's findings, file:line:column and field
   * @param keptOld true when an earlier accepted version stays in force
   */
  public record Rejection(WatchEvent event, String reason, boolean keptOld) {}

  /** Applies {@code events} in order. */
  public Changes apply(List<WatchEvent> events) {
    List<ClusterChange> changes = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    boolean rebuild = false;
    boolean calicoChanged = false;
    boolean ciliumChanged = false;
    for (WatchEvent e : events) {
      String key = e.key();
      Map<String, Object> byKey = store(e.kind());
      if (e.deleted()) {
        Object gone = byKey.remove(key);
        fingerprints.get(e.kind()).remove(key);
        if (gone != null) {
          rebuild |= removed(e.kind(), key, gone, changes);
          calicoChanged |= e.kind().inCalicoSet();
          ciliumChanged |= e.kind().cilium();
        }
        continue;
      }
      String fingerprint = null;
      if (e.object() instanceof GenericKubernetesResource g) {
        // A custom resource's status (Cilium writes one per node) or bookkeeping changed: nothing to read.
        fingerprint = converter.fingerprint(g);
        if (byKey.containsKey(key) && fingerprint.equals(fingerprints.get(e.kind()).get(key))) {
          continue;
        }
      }
      ModelConverter.Result r;
      try {
        r = converter.convert(e.kind(), e.object());
      } catch (RuntimeException ex) {
        // A reader bug must not stop enforcement: the object is treated as rejected.
        rejected.add(new Rejection(e, "internal error reading the object: " + ex, byKey.containsKey(key)));
        continue;
      }
      if (r instanceof ModelConverter.Rejected bad) {
        rejected.add(new Rejection(e, bad.describe(), byKey.containsKey(key)));
        continue;
      }
      Object model = ((ModelConverter.Accepted) r).object();
      if (fingerprint != null) {
        fingerprints.get(e.kind()).put(key, fingerprint);
      }
      if (model.equals(byKey.put(key, model))) {
        continue;
      }
      calicoChanged |= e.kind().inCalicoSet();
      ciliumChanged |= e.kind().cilium();
      if (model instanceof Namespace n) {
        changes.add(new ClusterChange.NamespaceUpserted(n));
      } else if (model instanceof Pod p) {
        changes.add(new ClusterChange.PodUpserted(p));
      } else if (model instanceof Node) {
        rebuild = true;
      } else if (model instanceof NetworkPolicy p) {
        changes.add(new ClusterChange.PolicyUpserted(p));
      } else if (model instanceof ClusterNetworkPolicy p) {
        changes.add(new ClusterChange.ClusterNetworkPolicyUpserted(p));
      } else if (model instanceof AdminNetworkPolicy p) {
        changes.add(new ClusterChange.AdminNetworkPolicyUpserted(p));
      } else if (model instanceof BaselineAdminNetworkPolicy p) {
        changes.add(new ClusterChange.BaselineAdminNetworkPolicyUpserted(p));
      }
      // Calico and Cilium objects: handed over as whole sets, below.
    }
    // Once per batch, and only when an object of the dialect changed: the session recompiles on each.
    if (calicoChanged) {
      calico = mergedCalico();
      changes.add(new ClusterChange.CalicoObjectsReplaced(calico));
    }
    if (ciliumChanged) {
      cilium = mergedCilium();
      changes.add(new ClusterChange.CiliumPoliciesReplaced(cilium));
    }
    return new Changes(changes, rebuild, rejected);
  }

  /**
   * Records the removal of {@code gone}, the accepted object of {@code kind} at {@code key};
   * true when the session cannot express it.
   */
  private static boolean removed(WatchedKind kind, String key, Object gone, List<ClusterChange> changes) {
    if (gone instanceof Pod p) {
      changes.add(new ClusterChange.PodRemoved(p.namespace(), p.name()));
    } else if (gone instanceof NetworkPolicy p) {
      changes.add(new ClusterChange.PolicyRemoved(p.namespace(), p.name()));
    } else if (gone instanceof ClusterNetworkPolicy) {
      changes.add(new ClusterChange.ClusterScopedPolicyRemoved(ClusterPolicyKind.CLUSTER_NETWORK_POLICY, key));
    } else if (gone instanceof AdminNetworkPolicy) {
      changes.add(new ClusterChange.ClusterScopedPolicyRemoved(ClusterPolicyKind.ADMIN_NETWORK_POLICY, key));
    } else if (gone instanceof BaselineAdminNetworkPolicy) {
      changes.add(new ClusterChange.ClusterScopedPolicyRemoved(ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY, key));
    } else {
      // A namespace or node removal needs a new session; Calico's and Cilium's go out as sets.
      return kind.equals(WatchedKind.NAMESPACES) || kind.equals(WatchedKind.NODES);
    }
    return false;
  }

  private Map<String, Object> store(WatchedKind kind) {
    Map<String, Object> m = objects.get(kind);
    if (m == null) {
      throw new IllegalArgumentException("not a watched kind: " + kind);
    }
    return m;
  }

  /**
   * Every accepted Calico object and object they refer to, kinds in {@link WatchedKind#CALICO}
   * then {@link WatchedKind#REFERENCED} order, each kind in key order.
   */
  private CalicoResources mergedCalico() {
    CalicoResources all = CalicoResources.EMPTY;
    for (WatchedKind k : java.util.stream.Stream.of(WatchedKind.CALICO, WatchedKind.REFERENCED)
        .flatMap(List::stream).toList()) {
      for (Object o : objects.get(k).values()) {
        all = all.plus((CalicoResources) o);
      }
    }
    return all;
  }

  /** Every accepted Cilium policy, kinds in {@link WatchedKind#CILIUM} order, each kind in key order. */
  private CiliumResources mergedCilium() {
    List<CiliumPolicy> all = new ArrayList<>();
    for (WatchedKind k : WatchedKind.CILIUM) {
      for (Object o : objects.get(k).values()) {
        all.add((CiliumPolicy) o);
      }
    }
    return all.isEmpty() ? CiliumResources.EMPTY : new CiliumResources(all);
  }

  /** The keys of the accepted objects of {@code kind}, as {@link WatchEvent#key()} gives them. */
  public Set<String> keys(WatchedKind kind) {
    return Set.copyOf(store(kind).keySet());
  }

  /** The enforced cluster, objects in key order. */
  public Cluster cluster() {
    return new Cluster(values(WatchedKind.NAMESPACES, Namespace.class), values(WatchedKind.PODS, Pod.class),
        values(WatchedKind.NODES, Node.class), values(WatchedKind.NETWORK_POLICIES, NetworkPolicy.class),
        values(WatchedKind.CLUSTER_NETWORK_POLICIES, ClusterNetworkPolicy.class),
        values(WatchedKind.ADMIN_NETWORK_POLICIES, AdminNetworkPolicy.class),
        values(WatchedKind.BASELINE_ADMIN_NETWORK_POLICIES, BaselineAdminNetworkPolicy.class), calico, cilium);
  }

  private <T> List<T> values(WatchedKind kind, Class<T> type) {
    return objects.get(kind).values().stream().map(type::cast).toList();
  }
}
