package dev.netpolc.model.lint;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Pod;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.ServiceAccount;
import dev.netpolc.model.calico.ServiceAccountMatch;
import dev.netpolc.model.calico.selector.CalicoSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Calico endpoints (the pods that take part, {@link Selection#takesPart}) and network sets
 * the selectors of Calico policies pick out of the inventory, per SEMANTICS-CALICO.md
 * ("Endpoints and their labels", "Selectors"), and a proof of disjointness for two policies'
 * selectors when there is no inventory. Shared by the Calico rules of one run
 * ({@link LintContext#analysis}).
 */
final class CalicoSelection {
  /** The label Calico gives an endpoint or NetworkSet: its namespace. */
  static final String NAMESPACE_LABEL = "projectcalico.org/namespace";
  /** The label Calico gives every pod endpoint. */
  static final String ORCHESTRATOR_LABEL = "projectcalico.org/orchestrator";
  /** The label Calico gives an endpoint: its ServiceAccount. */
  static final String SERVICE_ACCOUNT_LABEL = "projectcalico.org/serviceaccount";
  /** The label Calico gives a namespace or ServiceAccount: its name. */
  static final String NAME_LABEL = "projectcalico.org/name";

  /**
   * Something a rule selector can match: an endpoint (a pod) or a network set, with the labels
   * Calico's selectors see.
   *
   * @param key    {@code ns/pod}, {@code NetworkSet/ns/name} or {@code GlobalNetworkSet/name}
   * @param labels the labels selectors are evaluated on
   */
  record Member(String key, Map<String, String> labels) {}

  private final Cluster cluster;
  private final Selection selection;
  private final CalicoResources calico;
  private final Map<Pod, Map<String, String>> endpointLabels = new IdentityHashMap<>();
  private final Map<String, Map<String, String>> namespaceLabels = new LinkedHashMap<>();
  /** By identity: policies are records, and equal ones of two files are still two policies. */
  private final Map<CalicoPolicy, List<Pod>> subjects = new IdentityHashMap<>();
  private final Map<CalicoPolicy, Set<Pod>> subjectSets = new IdentityHashMap<>();

  private CalicoSelection(LintContext context) {
    this.cluster = context.cluster();
    this.selection = context.selection();
    this.calico = cluster.calico();
    for (Pod pod : selection.pods()) {
      Map<String, String> labels = new LinkedHashMap<>(pod.labels());
      labels.put(NAMESPACE_LABEL, pod.namespace());
      labels.put(ORCHESTRATOR_LABEL, "k8s");
      labels.put(SERVICE_ACCOUNT_LABEL, pod.serviceAccountName());
      endpointLabels.put(pod, ImmutableMap.copyOf(labels));
    }
    for (String ns : namespaceNames()) {
      Map<String, String> labels = new LinkedHashMap<>(selection.namespaceLabels(ns));
      labels.put(NAME_LABEL, ns);
      namespaceLabels.put(ns, ImmutableMap.copyOf(labels));
    }
  }

  /** Every namespace, declared or implicit, in the cluster's order. */
  private Set<String> namespaceNames() {
    return namespaceLabels.isEmpty() ? cluster.namespacesByName().keySet() : namespaceLabels.keySet();
  }

  /** The selection of this run, computed once. */
  static CalicoSelection of(LintContext context) {
    return context.analysis(CalicoSelection.class, CalicoSelection::new);
  }

  /** The labels Calico's selectors see on a pod endpoint. */
  Map<String, String> endpointLabels(Pod pod) {
    return endpointLabels.get(pod);
  }

  /** The labels of namespace {@code name} as a Calico namespaceSelector sees them. */
  Map<String, String> namespaceLabels(String name) {
    Map<String, String> known = namespaceLabels.get(name);
    return known != null ? known : Map.of(NAME_LABEL, name, Namespace.NAME_LABEL, name);
  }

  /** The labels of the ServiceAccount {@code ns/name}: its object's (none when not in the input) and its name. */
  Map<String, String> serviceAccountLabels(String namespace, String name) {
    Map<String, String> labels = new LinkedHashMap<>(calico.serviceAccount(namespace, name)
        .map(ServiceAccount::labels).orElse(Map.of()));
    labels.put(NAME_LABEL, name);
    return labels;
  }

  /**
   * The endpoints {@code policy} applies to (its selectors; the direction is the caller's), in
   * input order; computed once per policy.
   */
  List<Pod> subjects(CalicoPolicy policy) {
    synchronized (subjects) {
      return subjects.computeIfAbsent(policy, p -> {
        ImmutableList.Builder<Pod> out = ImmutableList.builder();
        for (Pod pod : selection.pods()) {
          if (applies(p, pod)) {
            out.add(pod);
          }
        }
        return out.build();
      });
    }
  }

  /** {@link #subjects} as a set by identity, computed once per policy. */
  Set<Pod> subjectSet(CalicoPolicy policy) {
    synchronized (subjectSets) {
      return subjectSets.computeIfAbsent(policy, p -> {
        Set<Pod> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(subjects(p));
        return Collections.unmodifiableSet(set);
      });
    }
  }

  /** True when {@code policy}'s selectors select {@code pod}. */
  boolean applies(CalicoPolicy policy, Pod pod) {
    if (policy.global()) {
      if (policy.namespaceSelector().isPresent()
          && !policy.namespaceSelector().get().matches(namespaceLabels(pod.namespace()))) {
        return false;
      }
    } else if (!pod.namespace().equals(policy.namespace())) {
      return false;
    }
    if (!policy.selector().matches(endpointLabels(pod))) {
      return false;
    }
    return policy.serviceAccountSelector().isEmpty() || policy.serviceAccountSelector().get()
        .matches(serviceAccountLabels(pod.namespace(), pod.serviceAccountName()));
  }

  /**
   * The endpoints and network sets an entity rule of {@code policy} can select, before its
   * {@code selector} and {@code notSelector}: those of the namespaces its
   * {@code namespaceSelector} matches ({@code global()}: GlobalNetworkSets only), else of the
   * policy's namespace (a namespaced policy) or of every namespace plus the GlobalNetworkSets (a
   * global one); only endpoints of the named or selected ServiceAccounts when
   * {@code serviceAccounts} is given.
   */
  List<Member> scope(CalicoPolicy policy, EntityRule entity) {
    List<Member> out = new ArrayList<>();
    boolean globalSets;
    List<String> namespaces = new ArrayList<>();
    if (entity.namespaceSelector().isPresent()) {
      CalicoSelector ns = entity.namespaceSelector().get();
      globalSets = ns instanceof CalicoSelector.Global;
      if (!globalSets) {
        for (String name : namespaceNames()) {
          if (ns.matches(namespaceLabels(name))) {
            namespaces.add(name);
          }
        }
      }
    } else if (policy.global()) {
      globalSets = true;
      namespaces.addAll(namespaceNames());
    } else {
      globalSets = false;
      namespaces.add(policy.namespace());
    }
    Set<String> inScope = Set.copyOf(namespaces);
    for (String ns : namespaces) {
      for (Pod pod : selection.podsIn(ns, LabelSelector.EVERYTHING)) {
        if (entity.serviceAccounts().isEmpty() || serviceAccountMatches(entity.serviceAccounts().get(), pod)) {
          out.add(new Member(pod.key(), endpointLabels(pod)));
        }
      }
    }
    if (entity.serviceAccounts().isPresent()) {
      return out; // network sets have no ServiceAccount
    }
    for (CalicoNetworkSet set : calico.networkSets()) {
      if (set.global() ? globalSets : inScope.contains(set.namespace())) {
        Map<String, String> labels = new LinkedHashMap<>(set.labels());
        if (!set.global()) {
          labels.put(NAMESPACE_LABEL, set.namespace());
        }
        out.add(new Member(set.key(), labels));
      }
    }
    return out;
  }

  private boolean serviceAccountMatches(ServiceAccountMatch match, Pod pod) {
    if (!match.names().isEmpty() && !match.names().contains(pod.serviceAccountName())) {
      return false;
    }
    return match.selector().isEmpty()
        || match.selector().get().matches(serviceAccountLabels(pod.namespace(), pod.serviceAccountName()));
  }

  // ---- Disjointness without inventory ----

  /**
   * True when no endpoint can be selected by both policies, as far as their selectors show: two
   * namespaced policies of different namespaces, or label tests that contradict
   * ({@code app == "a"} and {@code app == "b"}, {@code has(x)} and {@code !has(x)}, ...) among
   * the top-level conjuncts of their {@code selector}s or of the namespaces they cover. False
   * whenever that is not certain.
   */
  static boolean disjoint(CalicoPolicy a, CalicoPolicy b) {
    if (!a.global() && !b.global()) {
      return !a.namespace().equals(b.namespace());
    }
    return contradict(endpointConjuncts(a), endpointConjuncts(b))
        || contradict(namespaceConjuncts(a), namespaceConjuncts(b));
  }

  /** A namespaced policy of namespace {@code namespace} against {@code other}: can they share an endpoint? */
  static boolean disjointFromNamespace(String namespace, CalicoPolicy other) {
    if (!other.global()) {
      return !namespace.equals(other.namespace());
    }
    return contradict(equalsTest(NAME_LABEL, namespace), namespaceConjuncts(other))
        || contradict(equalsTest(NAMESPACE_LABEL, namespace), endpointConjuncts(other));
  }

  private static List<CalicoSelector> endpointConjuncts(CalicoPolicy p) {
    List<CalicoSelector> out = new ArrayList<>(conjuncts(p.selector()));
    if (!p.global()) {
      out.addAll(equalsTest(NAMESPACE_LABEL, p.namespace()));
    }
    return out;
  }

  private static List<CalicoSelector> namespaceConjuncts(CalicoPolicy p) {
    if (!p.global()) {
      List<CalicoSelector> out = new ArrayList<>(equalsTest(NAME_LABEL, p.namespace()));
      out.addAll(equalsTest(Namespace.NAME_LABEL, p.namespace()));
      return out;
    }
    return p.namespaceSelector().map(CalicoSelection::conjuncts).orElse(List.of());
  }

  /**
   * {@code key == "value"} as a one-element list; none when the value cannot be a selector string
   * (an invalid namespace holding both quote characters, which validation reports).
   */
  private static List<CalicoSelector> equalsTest(String key, String value) {
    if (value.indexOf('"') >= 0 && value.indexOf('\'') >= 0) {
      return List.of();
    }
    return List.of(new CalicoSelector.Compare(key, CalicoSelector.Operator.EQUALS, value));
  }

  /** The operands of a top-level conjunction; none for {@code all()}. */
  static List<CalicoSelector> conjuncts(CalicoSelector s) {
    if (s instanceof CalicoSelector.And and) {
      List<CalicoSelector> out = new ArrayList<>();
      and.operands().forEach(o -> out.addAll(conjuncts(o)));
      return out;
    }
    if (s instanceof CalicoSelector.All || s instanceof CalicoSelector.Global) {
      return List.of();
    }
    return List.of(s);
  }

  private static boolean contradict(List<CalicoSelector> as, List<CalicoSelector> bs) {
    for (CalicoSelector x : as) {
      for (CalicoSelector y : bs) {
        if (contradicts(x, y) || contradicts(y, x)) {
          return true;
        }
      }
    }
    return false;
  }

  /** True when no label set satisfies both tests (checked one way round; the caller tries both). */
  static boolean contradicts(CalicoSelector x, CalicoSelector y) {
    if (y instanceof CalicoSelector.Not not) {
      if (not.operand().equals(x)) {
        return true;
      }
      if (not.operand() instanceof CalicoSelector.Has has) {
        return requiresKey(x, has.key());
      }
      return false;
    }
    if (x instanceof CalicoSelector.Compare c && c.operator() == CalicoSelector.Operator.EQUALS) {
      String k = c.key();
      String v = c.value();
      if (y instanceof CalicoSelector.Compare d && d.key().equals(k)) {
        switch (d.operator()) {
          case EQUALS:
            return !d.value().equals(v);
          case NOT_EQUALS:
            return d.value().equals(v);
          case CONTAINS:
            return !v.contains(d.value());
          case STARTS_WITH:
            return !v.startsWith(d.value());
          default:
            return !v.endsWith(d.value());
        }
      }
      if (y instanceof CalicoSelector.In in && in.key().equals(k)) {
        return !in.values().contains(v);
      }
      if (y instanceof CalicoSelector.NotIn notIn && notIn.key().equals(k)) {
        return notIn.values().contains(v);
      }
      return false;
    }
    if (x instanceof CalicoSelector.In in) {
      if (y instanceof CalicoSelector.In other && other.key().equals(in.key())) {
        return in.values().stream().noneMatch(other.values()::contains);
      }
      if (y instanceof CalicoSelector.NotIn other && other.key().equals(in.key())) {
        return other.values().containsAll(in.values());
      }
    }
    return false;
  }

  /** True when {@code s} holds only for label sets that have {@code key}. */
  private static boolean requiresKey(CalicoSelector s, String key) {
    if (s instanceof CalicoSelector.Has has) {
      return has.key().equals(key);
    }
    if (s instanceof CalicoSelector.Compare c) {
      return c.key().equals(key) && c.operator() != CalicoSelector.Operator.NOT_EQUALS;
    }
    if (s instanceof CalicoSelector.In in) {
      return in.key().equals(key);
    }
    return false;
  }
}
