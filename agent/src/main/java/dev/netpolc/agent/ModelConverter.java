package dev.netpolc.agent;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a Kubernetes API object into a model object through the same reader and acceptance gate
 * as {@code netpolc compile} reads files with: the object is serialised to YAML and read by
 * {@link PolicyReader}, so a live object and the same object in a file are accepted or rejected
 * alike (one gate). Thread-safe.
 */
public final class ModelConverter {
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final PolicyReader reader = new PolicyReader();

  /** What reading one object gave. */
  public sealed interface Result {}

  /**
   * The object read and accepted.
   *
   * @param object the model object: a Namespace, Pod, Node, NetworkPolicy, ClusterNetworkPolicy,
   *     AdminNetworkPolicy, BaselineAdminNetworkPolicy or CiliumPolicy, or for a Calico object,
   *     ServiceAccount, Service or EndpointSlice the {@link CalicoResources} holding just it
   */
  public record Accepted(Object object) implements Result {}

  /**
   * The object the reader or the gate rejected.
   *
   * @param findings why, each with the object's source name, line and column and the field
   */
  public record Rejected(List<Diagnostic> findings) implements Result {
    public Rejected {
      findings = List.copyOf(findings);
    }

    /** The findings on one line each: {@code source:line:column: field: message}. */
    public String describe() {
      List<String> lines = new ArrayList<>();
      for (Diagnostic d : findings) {
        // Some messages start with the field path already.
        boolean hasPath = d.path().isEmpty() || d.message().startsWith(d.path());
        lines.add(d.position() + ": " + (hasPath ? "" : d.path() + ": ") + d.message());
      }
      return String.join("; ", lines);
    }
  }

  /** Reads {@code object} of kind {@code kind}. */
  public Result convert(WatchedKind kind, HasMetadata object) {
    String source = kind.label() + " " + keyOf(kind, object);
    ReadResult read = reader.readString(source, yaml(object));
    if (!read.ok()) {
      return new Rejected(read.errors());
    }
    Cluster c = read.cluster();
    Object model = single(kind, c);
    if (model == null) {
      // The reader skips kinds it does not know; a watched kind must never be one of them.
      throw new IllegalStateException("the model reader skipped a " + kind.kind() + ": " + read.skippedKinds());
    }
    AcceptanceGate.Verdict v;
    if (model instanceof NetworkPolicy p) {
      v = AcceptanceGate.DEFAULT.check(p);
    } else if (model instanceof Pod p) {
      v = AcceptanceGate.DEFAULT.check(p);
    } else if (model instanceof Namespace n) {
      v = AcceptanceGate.DEFAULT.check(n);
    } else {
      // Cluster-scoped, Calico and Cilium objects: the whole one-object cluster, as a file holding it.
      v = AcceptanceGate.DEFAULT.check(c);
    }
    return v.accepted() ? new Accepted(model) : new Rejected(v.blocking());
  }

  private static Object single(WatchedKind kind, Cluster c) {
    if (kind.inCalicoSet()) {
      // One Calico object (or one object Calico rules refer to) reads into a CalicoResources
      // holding just it; the view merges them.
      CalicoResources r = c.calico();
      int objects = r.policies().size() + r.tiers().size() + r.networkSets().size()
          + r.stagedKubernetesPolicies().size() + r.serviceAccounts().size() + r.services().size()
          + r.endpointSlices().size();
      return objects == 1 ? r : null;
    }
    List<?> objects;
    if (kind.cilium()) {
      objects = c.cilium().policies();
    } else if (kind.equals(WatchedKind.NAMESPACES)) {
      objects = c.namespaces();
    } else if (kind.equals(WatchedKind.PODS)) {
      objects = c.pods();
    } else if (kind.equals(WatchedKind.NODES)) {
      objects = c.nodes();
    } else if (kind.equals(WatchedKind.NETWORK_POLICIES)) {
      objects = c.policies();
    } else if (kind.equals(WatchedKind.CLUSTER_NETWORK_POLICIES)) {
      objects = c.clusterNetworkPolicies();
    } else if (kind.equals(WatchedKind.ADMIN_NETWORK_POLICIES)) {
      objects = c.adminNetworkPolicies();
    } else if (kind.equals(WatchedKind.BASELINE_ADMIN_NETWORK_POLICIES)) {
      objects = c.baselineAdminNetworkPolicies();
    } else {
      throw new IllegalArgumentException("not a watched kind: " + kind);
    }
    return objects.size() == 1 ? objects.get(0) : null;
  }

  /** The object as YAML, without the server's bookkeeping (managed fields say who wrote what). */
  String yaml(HasMetadata object) {
    List<?> managed = object.getMetadata().getManagedFields();
    if (managed == null || managed.isEmpty()) {
      return serialization.asYaml(object);
    }
    HasMetadata copy = serialization.clone(object);
    copy.getMetadata().setManagedFields(null);
    return serialization.asYaml(copy);
  }

  /**
   * What of a custom resource the model reads, as text: the object without its status and the
   * server's bookkeeping (resource version, generation, uid, timestamps, managed fields). Two
   * versions with the same fingerprint read into the same model object. Their model objects
   * cannot tell this themselves: they keep source positions, which differ between any two reads.
   */
  String fingerprint(GenericKubernetesResource object) {
    GenericKubernetesResource copy = serialization.clone(object);
    copy.getAdditionalProperties().remove("status");
    var m = copy.getMetadata();
    m.setManagedFields(null);
    m.setResourceVersion(null);
    m.setGeneration(null);
    m.setUid(null);
    m.setCreationTimestamp(null);
    m.setSelfLink(null);
    return serialization.asJson(copy);
  }

  /** {@code namespace/name}, or {@code name} for a cluster-scoped kind. */
  static String keyOf(WatchedKind kind, HasMetadata object) {
    String ns = object.getMetadata().getNamespace();
    return kind.namespaced() && ns != null ? ns + "/" + object.getMetadata().getName() : object.getMetadata().getName();
  }
}
