package dev.netpolc.model.cilium;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cilium's label conventions (SEMANTICS-CILIUM.md, "Identity labels" and "Subjects and peers";
 * Cilium's policy language reference, "Endpoints Based" and "Kubernetes" pages).
 *
 * <p><b>A pod's labels as Cilium sees them</b> ({@link #identity}): its own labels, plus
 * {@code io.kubernetes.pod.namespace=<ns>}, {@code io.cilium.k8s.namespace.labels.<k>=<v>} for
 * every label of its namespace, {@code io.cilium.k8s.policy.serviceaccount=<sa>} and
 * {@code io.cilium.k8s.policy.cluster=<cluster>}. All come from source {@code k8s}.
 *
 * <p><b>Selector keys</b> may carry a source prefix: {@code k8s:app} matches the pod label
 * {@code app}, as do {@code any:app} and plain {@code app}; any other source
 * ({@code reserved:host}, {@code cidr:...}, {@code container:...}) never matches a pod's label.
 * {@code reserved:} keys select Cilium's non-pod identities (host, remote-node, world,
 * kube-apiserver), which {@link #selectsReserved} tells.
 *
 * <p><b>Implicit namespace restriction</b>, CiliumNetworkPolicy only:
 * <ul>
 *   <li>its {@code endpointSelector} selects pods of the policy's namespace: requirements on
 *       {@code io.kubernetes.pod.namespace} in it are ignored, and {@code =<policy namespace>} is
 *       required instead ({@link #subjectSelector});</li>
 *   <li>its {@code fromEndpoints}/{@code toEndpoints} selectors are limited to the policy's
 *       namespace unless they name {@code io.kubernetes.pod.namespace} or an
 *       {@code io.cilium.k8s.namespace.labels.*} key, or select {@code reserved:} labels
 *       ({@link #peerSelector}).</li>
 * </ul>
 * A CiliumClusterwideNetworkPolicy's selectors apply to pods of every namespace; its peer
 * selectors require some {@code io.kubernetes.pod.namespace} (so that even {@code {}} selects
 * pods, not every identity) unless they select {@code reserved:} labels.
 *
 * <p>The selectors these methods return use plain keys (source prefixes {@code k8s:}/{@code any:}
 * removed; other sources kept, so they never match a pod) and match {@link #identity} maps with
 * {@link LabelSelector#matches}.
 */
public final class CiliumLabels {
  /** The source of Kubernetes-derived labels. */
  public static final String SOURCE_K8S = "k8s";
  /** The source that matches labels of any source. */
  public static final String SOURCE_ANY = "any";
  /** The source of Cilium's reserved identities ({@code reserved:host}, {@code reserved:world}, ...). */
  public static final String SOURCE_RESERVED = "reserved";
  /** The pod's namespace. */
  public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
  /** Prefix of the pod's namespace's labels. */
  public static final String NAMESPACE_LABELS_PREFIX = "io.cilium.k8s.namespace.labels.";
  /** The pod's service account. */
  public static final String SERVICE_ACCOUNT = "io.cilium.k8s.policy.serviceaccount";
  /** The cluster the pod is in. */
  public static final String CLUSTER = "io.cilium.k8s.policy.cluster";
  /** The cluster name netpolc assumes (Cilium's default {@code cluster-name}). */
  public static final String DEFAULT_CLUSTER = "default";

  private CiliumLabels() {}

  /**
   * A selector key split into its source and name: {@code k8s:app} is ({@code k8s}, {@code app}),
   * a key without a source prefix is ({@code any}, key).
   *
   * @param source the source
   * @param name   the label name
   */
  public record Key(String source, String name) {
    /** Splits {@code key} at its first colon, if any. */
    public static Key parse(String key) {
      int colon = key.indexOf(':');
      return colon < 0 ? new Key(SOURCE_ANY, key) : new Key(key.substring(0, colon), key.substring(colon + 1));
    }

    /** True when this key can match a pod's (k8s-source) label. */
    public boolean matchesPodLabels() {
      return source.equals(SOURCE_K8S) || source.equals(SOURCE_ANY);
    }
  }

  /** The labels Cilium gives {@code pod}, in namespace {@code namespace}, of cluster {@code cluster}. */
  public static Map<String, String> identity(Pod pod, Namespace namespace, String cluster) {
    Map<String, String> out = new LinkedHashMap<>(pod.labels());
    out.put(POD_NAMESPACE, pod.namespace());
    for (Map.Entry<String, String> e : namespace.labels().entrySet()) {
      out.put(NAMESPACE_LABELS_PREFIX + e.getKey(), e.getValue());
    }
    out.put(SERVICE_ACCOUNT, pod.serviceAccountName());
    out.put(CLUSTER, cluster);
    return Map.copyOf(out);
  }

  /** {@code selector} with plain keys: {@code k8s:}/{@code any:} removed, other sources kept. */
  public static LabelSelector normalise(LabelSelector selector) {
    Map<String, String> labels = new LinkedHashMap<>();
    selector.matchLabels().forEach((k, v) -> labels.put(plain(k), v));
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    for (LabelSelectorRequirement r : selector.matchExpressions()) {
      exprs.add(new LabelSelectorRequirement(plain(r.key()), r.operator(), r.values()));
    }
    return new LabelSelector(labels, exprs);
  }

  /** True when {@code labels} (a pod's {@link #identity}) satisfy {@code selector} written with Cilium keys. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    return normalise(selector).matches(labels);
  }

  /**
   * The pods a rule's {@code endpointSelector} selects, as a selector over {@link #identity}: in a
   * CiliumNetworkPolicy limited to the policy's namespace (namespace requirements in it ignored).
   */
  public static LabelSelector subjectSelector(CiliumPolicy policy, LabelSelector endpointSelector) {
    LabelSelector plain = normalise(endpointSelector);
    if (policy.clusterwide()) {
      return plain;
    }
    Map<String, String> labels = new LinkedHashMap<>(plain.matchLabels());
    labels.remove(POD_NAMESPACE);
    labels.put(POD_NAMESPACE, policy.namespace());
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    for (LabelSelectorRequirement r : plain.matchExpressions()) {
      if (!r.key().equals(POD_NAMESPACE)) {
        exprs.add(r);
      }
    }
    return new LabelSelector(labels, exprs);
  }

  /**
   * The pods a {@code fromEndpoints}/{@code toEndpoints} selector of {@code policy} matches, as a
   * selector over {@link #identity}, with the implicit namespace restriction added where Cilium
   * adds it (see the class comment). A selector of {@code reserved:} labels is returned as is: it
   * matches no pod, only the reserved identities.
   */
  public static LabelSelector peerSelector(CiliumPolicy policy, LabelSelector selector) {
    LabelSelector plain = normalise(selector);
    if (selectsReserved(selector) || names(plain, POD_NAMESPACE, false)) {
      return plain;
    }
    if (policy.clusterwide()) {
      List<LabelSelectorRequirement> exprs = new ArrayList<>(plain.matchExpressions());
      exprs.add(LabelSelectorRequirement.of(POD_NAMESPACE, LabelSelectorRequirement.Operator.Exists));
      return new LabelSelector(plain.matchLabels(), exprs);
    }
    if (names(plain, NAMESPACE_LABELS_PREFIX, true)) {
      return plain;
    }
    Map<String, String> labels = new LinkedHashMap<>(plain.matchLabels());
    labels.put(POD_NAMESPACE, policy.namespace());
    return new LabelSelector(labels, plain.matchExpressions());
  }

  /** True when {@code selector} has a key of source {@code reserved}. */
  public static boolean selectsReserved(LabelSelector selector) {
    for (String key : keys(selector)) {
      if (Key.parse(key).source().equals(SOURCE_RESERVED)) {
        return true;
      }
    }
    return false;
  }

  private static boolean names(LabelSelector plain, String key, boolean prefix) {
    for (String k : keys(plain)) {
      if (prefix ? k.startsWith(key) : k.equals(key)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> keys(LabelSelector selector) {
    List<String> out = new ArrayList<>(selector.matchLabels().keySet());
    selector.matchExpressions().forEach(r -> out.add(r.key()));
    return out;
  }

  private static String plain(String key) {
    Key k = Key.parse(key);
    return k.matchesPodLabels() ? k.name() : key;
  }
}
