package dev.netpolc.model.yaml;

import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the documents of one file into model objects: dispatches on {@code kind} and
 * {@code apiVersion}, unpacks {@code List} and {@code XxxList} objects, counts skipped kinds,
 * and collects the objects and the errors of the file. An error aborts only the object it is
 * in, so one run reports every bad object; the caller drops the whole file if any error occurred.
 */
final class DocumentBinder {
  /** The most errors kept per file; after that the file is abandoned. */
  static final int MAX_ERRORS_PER_FILE = 100;
  private static final String CORE = "v1";
  private static final String NETWORKING = "networking.k8s.io/v1";

  private final String file;
  private final Suppressions suppressions;
  private final ObjectBudget budget;
  final List<Namespace> namespaces = new ArrayList<>();
  final List<Pod> pods = new ArrayList<>();
  final List<Node> nodes = new ArrayList<>();
  final List<NetworkPolicy> policies = new ArrayList<>();
  final Map<String, Integer> skipped = new TreeMap<>();
  final List<Diagnostic> errors = new ArrayList<>();

  /** The object limit shared by every file of one read. */
  static final class ObjectBudget {
    private final int max;
    private int used;

    ObjectBudget(int max) {
      this.max = max;
    }
  }

  DocumentBinder(String file, Suppressions suppressions, ObjectBudget budget) {
    this.file = file;
    this.suppressions = suppressions;
    this.budget = budget;
  }

  /** The number of model objects bound so far. */
  int objectCount() {
    return namespaces.size() + pods.size() + nodes.size() + policies.size();
  }

  /** Binds one document; empty documents (Helm's comment-only ones) are skipped. */
  void document(YNode root) {
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
      errors.add(e.diagnostic());
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
    if (++budget.used > budget.max) {
      error(ReaderRule.LIMIT, obj, prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), "more than " + budget.max + " objects in the input");
      return;
    }
    try {
      if (CORE.equals(apiVersion) && kind.equals("Pod")) {
        pods.add(InventoryBinder.pod(obj, f));
      } else if (CORE.equals(apiVersion) && kind.equals("Namespace")) {
        namespaces.add(InventoryBinder.namespace(obj, f));
      } else if (CORE.equals(apiVersion) && kind.equals("Node")) {
        nodes.add(InventoryBinder.node(obj, f));
      } else if (NETWORKING.equals(apiVersion) && kind.equals("NetworkPolicy")) {
        policies.add(PolicyBinder.bind(obj, new Fields(file, prefix, true),
            suppressions.forObject(obj.line(), obj.endLine())));
      } else {
        skipped.merge(kind, 1, Integer::sum);
      }
    } catch (InputException e) {
      errors.add(e.diagnostic());
    }
  }

  private void list(YNode.YMap obj, Fields f, String prefix, String kind, String apiVersion) {
    YNode.YList items;
    try {
      items = f.list(obj, "items", "items");
    } catch (InputException e) {
      errors.add(e.diagnostic());
      return;
    }
    if (items == null) {
      return;
    }
    // A typed list (PodList) may leave kind and apiVersion off its items; a plain List may not.
    String itemKind = kind.equals("List") ? null : kind.substring(0, kind.length() - "List".length());
    for (int i = 0; i < items.items().size() && errors.size() < MAX_ERRORS_PER_FILE; i++) {
      YNode item = items.items().get(i);
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
    errors.add(Diagnostic.of(rule.id(), Severity.ERROR, new SourcePosition(file, at.line(), at.column()), path,
        message));
  }
}
