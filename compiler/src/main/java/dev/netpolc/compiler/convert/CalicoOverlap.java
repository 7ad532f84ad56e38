package dev.netpolc.compiler.convert;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Pod;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.selector.CalicoSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Whether two Calico policies can select the same endpoint, and whether two rules of one
 * direction can match the same connection (SEMANTICS-CALICO.md): shown disjoint from the policies
 * alone (contradicting label tests on one key, other protocols, ports or nets), disjoint only on
 * today's inventory (no pod today is in both), or possibly overlapping. Only what a rule requires
 * is compared, so a rule's other parts ({@code notNets}, {@code notSelector}, ...) can only make
 * a "disjoint" answer more true.
 */
final class CalicoOverlap {
  private static final String POD_NAMESPACE = "projectcalico.org/namespace";
  private static final Set<String> NAMESPACE_NAME_KEYS = Set.of("projectcalico.org/name",
      "kubernetes.io/metadata.name");

  /** How far apart two sets of endpoints or connections are shown to be. */
  enum Kind {
    /** No endpoint or connection can be in both, whatever the pods. */
    DISJOINT,
    /** None is in both on today's inventory; a future pod may be. */
    DISJOINT_TODAY,
    /** Some may be in both. */
    OVERLAP
  }

  /**
   * An answer with, for {@link Kind#DISJOINT_TODAY}, what in today's inventory shows it.
   *
   * @param kind  how far apart
   * @param today the inventory fact it rests on, "" unless {@link Kind#DISJOINT_TODAY}
   */
  record Verdict(Kind kind, String today) {
    static final Verdict DISJOINT = new Verdict(Kind.DISJOINT, "");
    static final Verdict OVERLAP = new Verdict(Kind.OVERLAP, "");

    /** Disjoint when either is: the better of two independent reasons. */
    Verdict or(Verdict o) {
      return kind.compareTo(o.kind) <= 0 ? this : o;
    }
  }

  /**
   * The label tests a set of endpoints must pass, as conjunctions: on the endpoint's labels and on
   * its namespace's labels (a namespace-name test is moved to the endpoint's
   * {@code projectcalico.org/namespace}, which Calico sets to the same name).
   *
   * @param pod       tests on the endpoint's labels
   * @param namespace tests on its namespace's labels
   * @param noPods    true when no pod can be in the set ({@code namespaceSelector: global()})
   */
  private record Tests(List<CalicoSelector> pod, List<CalicoSelector> namespace, boolean noPods) {}

  private final Cluster cluster;
  private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();

  CalicoOverlap(Cluster cluster) {
    this.cluster = cluster;
    for (Namespace n : cluster.namespaces()) {
      Map<String, String> labels = new HashMap<>(n.labels());
      labels.put("kubernetes.io/metadata.name", n.name());
      labels.put("projectcalico.org/name", n.name());
      namespaceLabels.put(n.name(), labels);
    }
  }

  // --- Policies ---

  /** Whether some endpoint can be selected by both policies' {@code selector} and scope. */
  Verdict subjects(CalicoPolicy a, CalicoPolicy b) {
    if (contradicts(subjectTests(a), subjectTests(b))) {
      return Verdict.DISJOINT;
    }
    for (Pod pod : cluster.pods()) {
      if (pod.isActive() && selects(a, pod) && selects(b, pod)) {
        return Verdict.OVERLAP;
      }
    }
    return new Verdict(Kind.DISJOINT_TODAY, "no pod today is selected by both " + a.key() + " and " + b.key());
  }

  /**
   * True when every endpoint {@code inner} selects is selected by {@code outer}, shown from the
   * selectors alone: each test of {@code outer} is also one of {@code inner}'s.
   */
  boolean covers(CalicoPolicy outer, CalicoPolicy inner) {
    if (outer.serviceAccountSelector().isPresent()
        && !outer.serviceAccountSelector().equals(inner.serviceAccountSelector())) {
      return false;
    }
    Tests o = subjectTests(outer);
    Tests i = subjectTests(inner);
    return i.pod().containsAll(o.pod()) && i.namespace().containsAll(o.namespace());
  }

  private Tests subjectTests(CalicoPolicy p) {
    List<CalicoSelector> pod = new ArrayList<>();
    List<CalicoSelector> ns = new ArrayList<>();
    addConjuncts(p.selector(), pod);
    if (p.global()) {
      p.namespaceSelector().ifPresent(s -> addNamespaceConjuncts(s, pod, ns));
    } else {
      pod.add(new CalicoSelector.Compare(POD_NAMESPACE, CalicoSelector.Operator.EQUALS, p.namespace()));
    }
    return new Tests(pod, ns, false);
  }

  private boolean selects(CalicoPolicy p, Pod pod) {
    if (p.global()) {
      if (p.namespaceSelector().isPresent() && !p.namespaceSelector().get().matches(namespaceLabels(pod))) {
        return false;
      }
    } else if (!p.namespace().equals(pod.namespace())) {
      return false;
    }
    return p.selector().matches(endpointLabels(pod)); // a serviceAccountSelector only narrows it
  }

  // --- Rules ---

  /**
   * Whether some connection can match both rules, {@code a} of {@code pa} and {@code b} of
   * {@code pb}, both of the direction given, at one endpoint.
   */
  Verdict rules(CalicoPolicy pa, CalicoRule a, CalicoPolicy pb, CalicoRule b, boolean ingress) {
    if (a.ipVersion().isPresent() && b.ipVersion().isPresent()
        && a.ipVersion().getAsInt() != b.ipVersion().getAsInt()) {
      return Verdict.DISJOINT;
    }
    OptionalInt protoA = a.protocol().map(p -> p.protocolNumber()).orElse(OptionalInt.empty());
    OptionalInt protoB = b.protocol().map(p -> p.protocolNumber()).orElse(OptionalInt.empty());
    if (protoA.isPresent() && protoB.isPresent() && protoA.getAsInt() != protoB.getAsInt()) {
      return Verdict.DISJOINT;
    }
    if (portsDisjoint(a.destination().ports(), b.destination().ports())) {
      return Verdict.DISJOINT;
    }
    EntityRule peerA = ingress ? a.source() : a.destination();
    EntityRule peerB = ingress ? b.source() : b.destination();
    return peers(pa, peerA, pb, peerB);
  }

  /** Both lists numeric and non-empty, and no port in both. */
  private static boolean portsDisjoint(List<CalicoPort> a, List<CalicoPort> b) {
    if (a.isEmpty() || b.isEmpty() || a.stream().anyMatch(CalicoPort::named)
        || b.stream().anyMatch(CalicoPort::named)) {
      return false;
    }
    for (CalicoPort x : a) {
      for (CalicoPort y : b) {
        if (x.min() <= y.max() && y.min() <= x.max()) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether some address can match both peer entity rules (their nets and selectors). */
  private Verdict peers(CalicoPolicy pa, EntityRule a, CalicoPolicy pb, EntityRule b) {
    boolean selA = a.selector().isPresent() || a.namespaceSelector().isPresent();
    boolean selB = b.selector().isPresent() || b.namespaceSelector().isPresent();
    Verdict v = Verdict.OVERLAP;
    if (!a.nets().isEmpty() && !b.nets().isEmpty()) {
      v = v.or(netsDisjoint(a.netCidrs(), b.netCidrs()) ? Verdict.DISJOINT : Verdict.OVERLAP);
    }
    if (selA && selB) {
      v = v.or(selectorsApart(pa, a, pb, b));
    }
    if (selA && !b.nets().isEmpty()) {
      v = v.or(selectorApartFromNets(pa, a, b.netCidrs()));
    }
    if (selB && !a.nets().isEmpty()) {
      v = v.or(selectorApartFromNets(pb, b, a.netCidrs()));
    }
    return v;
  }

  private static boolean netsDisjoint(List<Cidr> a, List<Cidr> b) {
    for (Cidr x : a) {
      for (Cidr y : b) {
        if (x.contains(y) || y.contains(x)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Two selector entity rules: disjoint when no pod can pass both (label tests contradict) and the
   * network sets either matches hold no address of the other's.
   */
  private Verdict selectorsApart(CalicoPolicy pa, EntityRule a, CalicoPolicy pb, EntityRule b) {
    Tests ta = entityTests(pa, a);
    Tests tb = entityTests(pb, b);
    Verdict v = Verdict.DISJOINT;
    if (!ta.noPods() && !tb.noPods() && !contradicts(ta, tb)) {
      boolean both = cluster.pods().stream().anyMatch(p -> p.isActive() && entitySelects(pa, a, p)
          && entitySelects(pb, b, p));
      if (both) {
        return Verdict.OVERLAP;
      }
      v = new Verdict(Kind.DISJOINT_TODAY, "no pod today is matched by both rules' selectors");
    }
    List<Cidr> setsA = networkSetCidrs(pa, a);
    List<Cidr> setsB = networkSetCidrs(pb, b);
    if (!netsDisjoint(setsA, setsB)) {
      return Verdict.OVERLAP;
    }
    for (Verdict w : List.of(podsOutside(pa, a, setsB), podsOutside(pb, b, setsA))) {
      if (w.kind() == Kind.OVERLAP) {
        return w;
      }
      if (v.kind() == Kind.DISJOINT) {
        v = w;
      }
    }
    return v;
  }

  /** A selector entity rule against nets: its network sets and today's pods outside them. */
  private Verdict selectorApartFromNets(CalicoPolicy p, EntityRule e, List<Cidr> nets) {
    if (!netsDisjoint(networkSetCidrs(p, e), nets)) {
      return Verdict.OVERLAP;
    }
    return podsOutside(p, e, nets);
  }

  /** No pod the entity rule's selectors match today has an address in {@code nets}. */
  private Verdict podsOutside(CalicoPolicy p, EntityRule e, List<Cidr> nets) {
    if (nets.isEmpty()) {
      return Verdict.DISJOINT;
    }
    for (Pod pod : cluster.pods()) {
      if (pod.isActive() && entitySelects(p, e, pod)) {
        for (IpAddress ip : pod.ips()) {
          if (nets.stream().anyMatch(n -> n.contains(ip))) {
            return Verdict.OVERLAP;
          }
        }
      }
    }
    return new Verdict(Kind.DISJOINT_TODAY, "no pod the selector matches today has an address in "
        + String.join(", ", nets.stream().map(Cidr::toString).toList()));
  }

  private Tests entityTests(CalicoPolicy p, EntityRule e) {
    List<CalicoSelector> pod = new ArrayList<>();
    List<CalicoSelector> ns = new ArrayList<>();
    e.selector().ifPresent(s -> addConjuncts(s, pod));
    if (e.namespaceSelector().isPresent()) {
      if (e.namespaceSelector().get() instanceof CalicoSelector.Global) {
        return new Tests(pod, ns, true);
      }
      addNamespaceConjuncts(e.namespaceSelector().get(), pod, ns);
    } else if (!p.global()) {
      pod.add(new CalicoSelector.Compare(POD_NAMESPACE, CalicoSelector.Operator.EQUALS, p.namespace()));
    }
    return new Tests(pod, ns, false);
  }

  /** The entity rule's selectors (in their scope) match the pod. */
  private boolean entitySelects(CalicoPolicy p, EntityRule e, Pod pod) {
    if (e.namespaceSelector().isPresent()) {
      CalicoSelector ns = e.namespaceSelector().get();
      if (ns instanceof CalicoSelector.Global || !ns.matches(namespaceLabels(pod))) {
        return false;
      }
    } else if (!p.global() && !p.namespace().equals(pod.namespace())) {
      return false;
    }
    return e.selector().map(s -> s.matches(endpointLabels(pod))).orElse(true);
  }

  /** The addresses of the network sets the entity rule's selectors match, in their scope. */
  List<Cidr> networkSetCidrs(CalicoPolicy p, EntityRule e) {
    List<Cidr> out = new ArrayList<>();
    CalicoSelector sel = e.selector().orElse(new CalicoSelector.All());
    for (CalicoNetworkSet s : cluster.calico().networkSets()) {
      boolean inScope;
      if (e.namespaceSelector().isPresent()) {
        CalicoSelector ns = e.namespaceSelector().get();
        inScope = ns instanceof CalicoSelector.Global ? s.namespace().isEmpty()
            : !s.namespace().isEmpty() && ns.matches(namespaceLabels.getOrDefault(s.namespace(), Map.of()));
      } else {
        inScope = p.global() ? s.namespace().isEmpty() : s.namespace().equals(p.namespace());
      }
      if (inScope && sel.matches(s.labels())) {
        out.addAll(s.cidrs());
      }
    }
    return out;
  }

  // --- Labels ---

  private Map<String, String> namespaceLabels(Pod pod) {
    return namespaceLabels.getOrDefault(pod.namespace(), Map.of("kubernetes.io/metadata.name", pod.namespace(),
        "projectcalico.org/name", pod.namespace()));
  }

  /** A workload endpoint's labels: the pod's plus the three Calico adds (SEMANTICS-CALICO.md). */
  private static Map<String, String> endpointLabels(Pod pod) {
    Map<String, String> labels = new HashMap<>(pod.labels());
    labels.put(POD_NAMESPACE, pod.namespace());
    labels.put("projectcalico.org/orchestrator", "k8s");
    labels.put("projectcalico.org/serviceaccount", pod.serviceAccountName());
    return labels;
  }

  private static void addConjuncts(CalicoSelector s, List<CalicoSelector> out) {
    if (s instanceof CalicoSelector.And and) {
      and.operands().forEach(o -> addConjuncts(o, out));
    } else if (!(s instanceof CalicoSelector.All)) {
      out.add(s);
    }
  }

  /** A namespace selector's tests; a test of the namespace's name becomes one of the endpoint's namespace. */
  private static void addNamespaceConjuncts(CalicoSelector s, List<CalicoSelector> pod, List<CalicoSelector> ns) {
    List<CalicoSelector> parts = new ArrayList<>();
    addConjuncts(s, parts);
    for (CalicoSelector part : parts) {
      Optional<String> key = key(part);
      if (key.isPresent() && NAMESPACE_NAME_KEYS.contains(key.get())) {
        pod.add(rekey(part, POD_NAMESPACE));
      } else {
        ns.add(part);
      }
    }
  }

  // --- Contradiction of label tests ---

  /** True when no endpoint can pass the tests of both. */
  private static boolean contradicts(Tests a, Tests b) {
    List<CalicoSelector> pod = new ArrayList<>(a.pod());
    pod.addAll(b.pod());
    List<CalicoSelector> ns = new ArrayList<>(a.namespace());
    ns.addAll(b.namespace());
    return unsatisfiable(pod) || unsatisfiable(ns);
  }

  /**
   * True when some key's tests in the conjunction hold for no value and not for its absence.
   * Only {@code ==}, {@code !=}, {@code in}, {@code not in}, {@code has} and their negations are
   * weighed: for them every value the tests do not name behaves alike, so trying the named values,
   * one other and absence decides it. Other tests are left out, which can only miss a contradiction.
   */
  private static boolean unsatisfiable(List<CalicoSelector> conjuncts) {
    Map<String, List<CalicoSelector>> byKey = new HashMap<>();
    for (CalicoSelector c : conjuncts) {
      key(c).ifPresent(k -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(c));
    }
    for (Map.Entry<String, List<CalicoSelector>> e : byKey.entrySet()) {
      Set<String> candidates = new HashSet<>();
      for (CalicoSelector c : e.getValue()) {
        candidates.addAll(values(c));
      }
      candidates.add("\u0000other"); // no label value holds a NUL: a value none of the tests names
      boolean satisfiable = e.getValue().stream().allMatch(c -> c.matches(Map.of()));
      for (String v : candidates) {
        if (satisfiable) {
          break;
        }
        satisfiable = e.getValue().stream().allMatch(c -> c.matches(Map.of(e.getKey(), v)));
      }
      if (!satisfiable) {
        return true;
      }
    }
    return false;
  }

  /** The one key an equality, set or presence test (or its negation) reads; empty for other selectors. */
  private static Optional<String> key(CalicoSelector s) {
    if (s instanceof CalicoSelector.Not n) {
      return key(n.operand());
    }
    if (s instanceof CalicoSelector.Compare c && (c.operator() == CalicoSelector.Operator.EQUALS
        || c.operator() == CalicoSelector.Operator.NOT_EQUALS)) {
      return Optional.of(c.key());
    }
    if (s instanceof CalicoSelector.In in) {
      return Optional.of(in.key());
    }
    if (s instanceof CalicoSelector.NotIn in) {
      return Optional.of(in.key());
    }
    if (s instanceof CalicoSelector.Has h) {
      return Optional.of(h.key());
    }
    return Optional.empty();
  }

  private static Set<String> values(CalicoSelector s) {
    if (s instanceof CalicoSelector.Not n) {
      return values(n.operand());
    }
    if (s instanceof CalicoSelector.Compare c) {
      return Set.of(c.value());
    }
    if (s instanceof CalicoSelector.In in) {
      return in.values();
    }
    if (s instanceof CalicoSelector.NotIn in) {
      return in.values();
    }
    return Set.of();
  }

  /** The same test on another key. */
  private static CalicoSelector rekey(CalicoSelector s, String key) {
    if (s instanceof CalicoSelector.Not n) {
      return CalicoSelector.Not.of(rekey(n.operand(), key));
    }
    if (s instanceof CalicoSelector.Compare c) {
      return new CalicoSelector.Compare(key, c.operator(), c.value());
    }
    if (s instanceof CalicoSelector.In in) {
      return CalicoSelector.In.of(key, in.values());
    }
    if (s instanceof CalicoSelector.NotIn in) {
      return CalicoSelector.NotIn.of(key, in.values());
    }
    return new CalicoSelector.Has(key);
  }
}
