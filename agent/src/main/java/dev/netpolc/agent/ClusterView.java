package dev.netpolc.agent;

import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The cluster as the agent enforces it: the last <em>accepted</em> version of every watched
 * object, keyed by namespace/name. An update the model rejects leaves the object's last accepted
 * version in place, so the rules of its subjects stay as they were (never an allow the objects
 * did not ask for); a rejected object that was never accepted is left out, as it was before it
 * came. Updates that do not change the model object (status heartbeats, annotations) change
 * nothing. Not thread-safe: the applier thread owns it.
 */
public final class ClusterView {
  private final ModelConverter converter;
  private final Map<String, Namespace> namespaces = new TreeMap<>();
  private final Map<String, Pod> pods = new TreeMap<>();
  private final Map<String, Node> nodes = new TreeMap<>();
  private final Map<String, NetworkPolicy> policies = new TreeMap<>();
  private final Map<String, AdminNetworkPolicy> anps = new TreeMap<>();
  private final Map<String, BaselineAdminNetworkPolicy> banps = new TreeMap<>();

  /** A view reading objects with {@code converter}. */
  public ClusterView(ModelConverter converter) {
    this.converter = Objects.requireNonNull(converter, "converter");
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
    for (WatchEvent e : events) {
      String key = e.key();
      if (e.deleted()) {
        rebuild |= remove(e.kind(), key, changes);
        continue;
      }
      ModelConverter.Result r;
      try {
        r = converter.convert(e.kind(), e.object());
      } catch (RuntimeException ex) {
        // A reader bug must not stop enforcement: the object is treated as rejected.
        rejected.add(new Rejection(e, "internal error reading the object: " + ex, contains(e.kind(), key)));
        continue;
      }
      if (r instanceof ModelConverter.Rejected bad) {
        rejected.add(new Rejection(e, bad.describe(), contains(e.kind(), key)));
        continue;
      }
      Object model = ((ModelConverter.Accepted) r).object();
      if (model instanceof Namespace n) {
        if (!n.equals(namespaces.put(key, n))) {
          changes.add(new ClusterChange.NamespaceUpserted(n));
        }
      } else if (model instanceof Pod p) {
        if (!p.equals(pods.put(key, p))) {
          changes.add(new ClusterChange.PodUpserted(p));
        }
      } else if (model instanceof Node n) {
        rebuild |= !n.equals(nodes.put(key, n));
      } else if (model instanceof NetworkPolicy p) {
        if (!p.equals(policies.put(key, p))) {
          changes.add(new ClusterChange.PolicyUpserted(p));
        }
      } else if (model instanceof AdminNetworkPolicy p) {
        if (!p.equals(anps.put(key, p))) {
          changes.add(new ClusterChange.AdminNetworkPolicyUpserted(p));
        }
      } else if (model instanceof BaselineAdminNetworkPolicy p) {
        if (!p.equals(banps.put(key, p))) {
          changes.add(new ClusterChange.BaselineAdminNetworkPolicyUpserted(p));
        }
      }
    }
    return new Changes(changes, rebuild, rejected);
  }

  /** Removes an object; true when the session cannot express the removal. */
  private boolean remove(WatchedKind kind, String key, List<ClusterChange> changes) {
    switch (kind.kind()) {
      case "Namespace" -> {
        return namespaces.remove(key) != null;
      }
      case "Node" -> {
        return nodes.remove(key) != null;
      }
      case "Pod" -> {
        Pod p = pods.remove(key);
        if (p != null) {
          changes.add(new ClusterChange.PodRemoved(p.namespace(), p.name()));
        }
      }
      case "NetworkPolicy" -> {
        NetworkPolicy p = policies.remove(key);
        if (p != null) {
          changes.add(new ClusterChange.PolicyRemoved(p.namespace(), p.name()));
        }
      }
      case "AdminNetworkPolicy" -> {
        if (anps.remove(key) != null) {
          changes.add(new ClusterChange.ClusterScopedPolicyRemoved(ClusterPolicyKind.ADMIN_NETWORK_POLICY, key));
        }
      }
      case "BaselineAdminNetworkPolicy" -> {
        if (banps.remove(key) != null) {
          changes.add(new ClusterChange.ClusterScopedPolicyRemoved(
              ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY, key));
        }
      }
      default -> throw new IllegalArgumentException("not a watched kind: " + kind.kind());
    }
    return false;
  }

  private boolean contains(WatchedKind kind, String key) {
    return switch (kind.kind()) {
      case "Namespace" -> namespaces.containsKey(key);
      case "Pod" -> pods.containsKey(key);
      case "Node" -> nodes.containsKey(key);
      case "NetworkPolicy" -> policies.containsKey(key);
      case "AdminNetworkPolicy" -> anps.containsKey(key);
      case "BaselineAdminNetworkPolicy" -> banps.containsKey(key);
      default -> false;
    };
  }

  /** The keys of the accepted objects of {@code kind}, as {@link WatchEvent#key()} gives them. */
  public java.util.Set<String> keys(WatchedKind kind) {
    return java.util.Set.copyOf(switch (kind.kind()) {
      case "Namespace" -> namespaces.keySet();
      case "Pod" -> pods.keySet();
      case "Node" -> nodes.keySet();
      case "NetworkPolicy" -> policies.keySet();
      case "AdminNetworkPolicy" -> anps.keySet();
      case "BaselineAdminNetworkPolicy" -> banps.keySet();
      default -> throw new IllegalArgumentException("not a watched kind: " + kind.kind());
    });
  }

  /** The enforced cluster, objects in key order. */
  public Cluster cluster() {
    return new Cluster(List.copyOf(namespaces.values()), List.copyOf(pods.values()), List.copyOf(nodes.values()),
        List.copyOf(policies.values()), List.of(), List.copyOf(anps.values()), List.copyOf(banps.values()));
  }
}
