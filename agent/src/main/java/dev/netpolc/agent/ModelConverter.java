package dev.netpolc.agent;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
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
   * @param object the model object: a Namespace, Pod, Node, NetworkPolicy, AdminNetworkPolicy or
   *     BaselineAdminNetworkPolicy
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
    String source = kind.kind() + " " + keyOf(kind, object);
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
    AcceptanceGate.Verdict v = switch (kind.kind()) {
      case "NetworkPolicy" -> AcceptanceGate.DEFAULT.check(c.policies().get(0));
      case "Pod" -> AcceptanceGate.DEFAULT.check(c.pods().get(0));
      case "Namespace" -> AcceptanceGate.DEFAULT.check(c.namespaces().get(0));
      default -> AcceptanceGate.DEFAULT.check(c);
    };
    return v.accepted() ? new Accepted(model) : new Rejected(v.blocking());
  }

  private static Object single(WatchedKind kind, Cluster c) {
    List<?> objects = switch (kind.kind()) {
      case "Namespace" -> c.namespaces();
      case "Pod" -> c.pods();
      case "Node" -> c.nodes();
      case "NetworkPolicy" -> c.policies();
      case "AdminNetworkPolicy" -> c.adminNetworkPolicies();
      case "BaselineAdminNetworkPolicy" -> c.baselineAdminNetworkPolicies();
      default -> throw new IllegalArgumentException("not a watched kind: " + kind.kind());
    };
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

  /** {@code namespace/name}, or {@code name} for a cluster-scoped kind. */
  static String keyOf(WatchedKind kind, HasMetadata object) {
    String ns = object.getMetadata().getNamespace();
    return kind.namespaced() && ns != null ? ns + "/" + object.getMetadata().getName() : object.getMetadata().getName();
  }
}
