package dev.netpolc.model.yaml;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.CalicoKind;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.ClusterPolicyKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns documents into model objects: dispatches on {@code kind} and {@code apiVersion} (v1
 * Namespace, Pod and Node, networking.k8s.io/v1 NetworkPolicy, policy.networking.k8s.io/v1alpha2
 * ClusterNetworkPolicy and v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy, Calico's
 * {@code projectcalico.org/v3} and {@code crd.projectcalico.org/v1} policies, tiers and network
 * sets, Cilium's {@code cilium.io/v2} CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy,
 * v1 ServiceAccount and Service, discovery.k8s.io/v1 EndpointSlice),
 * unpacks {@code List} and {@code XxxList} objects, and records, in input order, every
 * document, object, skipped kind and error as an {@link Item}. An error aborts only the object it
 * is in, so one run reports every bad object. Limits that span a file (documents, objects) are
 * applied when the items of a file's chunks are merged, in order, so results do not depend on
 * how the file was split.
 */
final class DocumentBinder {
  /** The most errors kept per file; after that the file is abandoned. */
  static final int MAX_ERRORS_PER_FILE = 100;
  private static final String CORE = "v1";
  private static final String NETWORKING = "networking.k8s.io/v1";
  private static final String DISCOVERY = "discovery.k8s.io/v1";

  /** What an item is. */
  enum Kind {
    /** A document started (value: null). */
    DOCUMENT,
    /** A model object (value: the Namespace, Pod, Node, NetworkPolicy or cluster policy). */
    OBJECT,
    /** An object of a kind netpolc skips (value: the kind name). */
    SKIPPED,
    /** An error in one object; reading goes on (value: the Diagnostic). */
    ERROR,
    /** An error that ends the file: syntax, limits, hostile YAML (value: the Diagnostic). */
    FATAL
  }

  /**
   * One thing read, in input order.
   *
   * @param kind     what it is
   * @param value    the object, kind name or diagnostic
   * @param position where it starts
   * @param path     its path within the document ({@code items[2]}), for limit errors
   */
  record Item(Kind kind, Object value, SourcePosition position, String path) {}

  private final String file;
  private final Suppressions suppressions;
  /** Places selector errors inside their scalars; null when the file's text is not at hand. */
  private final ScalarLocator locator;
  final List<Item> items = new ArrayList<>();
  private int errorCount;

  DocumentBinder(String file, Suppressions suppressions) {
    this(file, suppressions, null);
  }

  /** A binder that places Calico selector errors using the file's text {@code lines} (may be null). */
  DocumentBinder(String file, Suppressions suppressions, LineIndex lines) {
    this.file = file;
    this.suppressions = suppressions;
    this.locator = lines == null ? null : new ScalarLocator(lines);
  }

  /** The number of errors recorded. */
  int errorCount() {
    return errorCount;
  }

  /** Records an error that ends the file. */
  void fatal(Diagnostic d) {
    items.add(new Item(Kind.FATAL, d, d.position(), d.path()));
    errorCount++;
  }

  /** Binds one document; empty documents (Helm's comment-only ones) are skipped. */
  void document(YNode root) {
    items.add(new Item(Kind.DOCUMENT, null, new SourcePosition(file, root.line(), root.column()), ""));
    if (root instanceof YNode.YScalar) {
      YNode.YScalar s = (YNode.YScalar) root;
      if (s.isNull() || (s.type() == YNode.ScalarType.STRING && s.text().isEmpty())) {
        return;
      }
    }
    if (!(root instanceof YNode.YMap)) {
      error(ReaderRule.WRONG_TYPE, root, "", "a document must be a Kubernetes object (a mapping), found "
          + root.typeName());
      return;
    }
    object((YNode.YMap) root, "", null, null);
  }

  private void object(YNode.YMap obj, String prefix, String defaultKind, String defaultApiVersion) {
    Fields f = new Fields(file, prefix, false);
    String kind;
    String apiVersion;
    try {
      kind = f.string(obj, "kind", "kind");
      apiVersion = f.string(obj, "apiVersion", "apiVersion");
    } catch (InputException e) {
      error(e.diagnostic());
      return;
    }
    kind = kind == null ? defaultKind : kind;
    apiVersion = apiVersion == null ? defaultApiVersion : apiVersion;
    if (kind == null) {
      error(ReaderRule.MISSING_FIELD, obj, prefix + "kind", "the object has no kind");
      return;
    }
    if (apiVersion == null) {
      error(ReaderRule.MISSING_FIELD, obj, prefix + "apiVersion", "the " + kind + " has no apiVersion");
      return;
    }
    if (kind.endsWith("List") && (kind.equals("List") || obj.field("items") != null)) {
      list(obj, f, prefix, kind, apiVersion);
      return;
    }
    SourcePosition at = new SourcePosition(file, obj.line(), obj.column());
    String path = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
    try {
      Object bound;
      if (CORE.equals(apiVersion) && kind.equals("Pod")) {
        bound = InventoryBinder.pod(obj, f);
      } else if (CORE.equals(apiVersion) && kind.equals("Namespace")) {
        bound = InventoryBinder.namespace(obj, f);
      } else if (CORE.equals(apiVersion) && kind.equals("Node")) {
        bound = InventoryBinder.node(obj, f);
      } else if (NETWORKING.equals(apiVersion) && kind.equals("NetworkPolicy")) {
        bound = PolicyBinder.bind(obj, new Fields(file, prefix, true), suppressions.forObject(obj.line(), obj.endLine()));
      } else if (is(ClusterPolicyKind.CLUSTER_NETWORK_POLICY, apiVersion, kind)) {
        bound = ClusterPolicyBinder.clusterNetworkPolicy(obj, new Fields(file, prefix, true),
            suppressions.forObject(obj.line(), obj.endLine()));
      } else if (is(ClusterPolicyKind.ADMIN_NETWORK_POLICY, apiVersion, kind)) {
        bound = ClusterPolicyBinder.adminNetworkPolicy(obj, new Fields(file, prefix, true),
            suppressions.forObject(obj.line(), obj.endLine()));
      } else if (is(ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY, apiVersion, kind)) {
        bound = ClusterPolicyBinder.baselineAdminNetworkPolicy(obj, new Fields(file, prefix, true),
            suppressions.forObject(obj.line(), obj.endLine()));
      } else if (CalicoBinder.isHostEndpoint(apiVersion, kind)) {
        YNode.Field k = obj.field("kind");
        throw new InputException(Diagnostic.of(CalicoBinder.UNENFORCEABLE_ID, Severity.ERROR,
            new SourcePosition(file, k.value().line(), k.value().column()), prefix + "kind", "kind: HostEndpoint is "
                + "host endpoint policy, which netpolc does not enforce as pod policy; keep it out of netpolc's input"));
      } else if (CalicoKind.isCalicoApiVersion(apiVersion) && kind.equals("StagedKubernetesNetworkPolicy")) {
        Fields fields = new Fields(file, prefix, true);
        NetworkPolicy staged = PolicyBinder.bindStaged(obj, fields, suppressions.forObject(obj.line(), obj.endLine()));
        bound = new StagedKubernetesPolicy(staged, PolicyBinder.stagedAction(obj, fields));
      } else if (CiliumBinder.isCilium(apiVersion, kind)) {
        bound = CiliumBinder.bind(obj, new Fields(file, prefix, true), kind,
            suppressions.forObject(obj.line(), obj.endLine()));
      } else if (CalicoBinder.isCalico(apiVersion, kind)) {
        bound = CalicoBinder.bind(obj, new Fields(file, prefix, true), locator, apiVersion, kind,
            suppressions.forObject(obj.line(), obj.endLine()));
      } else if (CORE.equals(apiVersion) && kind.equals("ServiceAccount")) {
        bound = CalicoBinder.serviceAccount(obj, f);
      } else if (CORE.equals(apiVersion) && kind.equals("Service")) {
        bound = CalicoBinder.service(obj, f);
      } else if (DISCOVERY.equals(apiVersion) && kind.equals("EndpointSlice")) {
        bound = CalicoBinder.endpointSlice(obj, f);
      } else {
        items.add(new Item(Kind.SKIPPED, kind, at, path));
        return;
      }
      items.add(new Item(Kind.OBJECT, bound, at, path));
    } catch (InputException e) {
      error(e.diagnostic());
    }
  }

  /** A NetworkPolicy read from a Calico StagedKubernetesNetworkPolicy (kept apart from enforced ones). */
  record StagedKubernetesPolicy(NetworkPolicy policy, String stagedAction) {}

  /** True when {@code apiVersion} and {@code kind} name the cluster policy kind {@code k}. */
  private static boolean is(ClusterPolicyKind k, String apiVersion, String kind) {
    return k.apiVersion().equals(apiVersion) && k.kindName().equals(kind);
  }

  private void list(YNode.YMap obj, Fields f, String prefix, String kind, String apiVersion) {
    YNode.YList list;
    try {
      list = f.list(obj, "items", "items");
    } catch (InputException e) {
      error(e.diagnostic());
      return;
    }
    if (list == null) {
      return;
    }
    // A typed list (PodList) may leave kind and apiVersion off its items; a plain List may not.
    String itemKind = kind.equals("List") ? null : kind.substring(0, kind.length() - "List".length());
    for (int i = 0; i < list.items().size() && errorCount < MAX_ERRORS_PER_FILE; i++) {
      YNode item = list.items().get(i);
      String itemPrefix = prefix + "items[" + i + "].";
      if (!(item instanceof YNode.YMap)) {
        error(ReaderRule.WRONG_TYPE, item, prefix + "items[" + i + "]", "a list item must be a Kubernetes object "
            + "(a mapping), found " + item.typeName());
        continue;
      }
      object((YNode.YMap) item, itemPrefix, itemKind, apiVersion);
    }
  }

  private void error(ReaderRule rule, YNode at, String path, String message) {
    error(Diagnostic.of(rule.id(), Severity.ERROR, new SourcePosition(file, at.line(), at.column()), path, message));
  }

  private void error(Diagnostic d) {
    items.add(new Item(Kind.ERROR, d, d.position(), d.path()));
    errorCount++;
  }
}
