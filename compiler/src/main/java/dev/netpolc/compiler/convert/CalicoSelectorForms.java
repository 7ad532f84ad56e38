package dev.netpolc.compiler.convert;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Pod;
import dev.netpolc.model.calico.selector.CalicoSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Calico selectors as unions of Kubernetes label selectors, for {@link CalicoSourceConversion}.
 *
 * <p>A selector is put in disjunctive normal form, negations pushed down to the tests by De
 * Morgan ({@code !(a == 'x')} is {@code a != 'x'}, {@code !(a in {…})} is {@code a not in {…}},
 * {@code !all()} matches nothing); every conjunct is then one label selector. A pod selector and a
 * namespace selector give one {@link Form} per pair of conjuncts: a union, as peers and as the
 * subjects of several policies with the same rules, so exact. A selector that matches nothing
 * gives no form.
 *
 * <p>Calico's own labels: on a pod, {@code projectcalico.org/namespace} is the namespace's name (a
 * test of {@code kubernetes.io/metadata.name} in the namespace part, or decided outright where the
 * namespace is known) and {@code projectcalico.org/orchestrator} is always {@code k8s} (decided
 * outright); on a namespace {@code projectcalico.org/name} is {@code kubernetes.io/metadata.name}.
 * The service-account label and any other {@code projectcalico.org/} label have no form.
 *
 * <p>Tests a label selector cannot say ({@code contains}, {@code starts with}, {@code ends with}
 * and their negations) are rewritten from the inventory: {@code key in (…)} (or {@code not in})
 * over the values that key has today on the pods or namespaces in scope, noted as
 * inventory-dependent.
 */
final class CalicoSelectorForms {
  /** Most conjuncts one selector may expand to. */
  static final int MAX_CONJUNCTS = 64;
  /** Most forms (pairs of conjuncts) one peer or subject may expand to. */
  static final int MAX_FORMS = 256;

  private static final String CALICO_PREFIX = "projectcalico.org/";
  private static final String POD_NAMESPACE = CALICO_PREFIX + "namespace";
  private static final String POD_ORCHESTRATOR = CALICO_PREFIX + "orchestrator";
  private static final String NAMESPACE_NAME = CALICO_PREFIX + "name";

  /**
   * One pair of conjuncts as Kubernetes selectors.
   *
   * @param namespaces the namespaces' selector
   * @param pods       the pods' selector; empty when the source had no pod selector (every pod of
   *                   those namespaces)
   */
  record Form(LabelSelector namespaces, Optional<LabelSelector> pods) {}

  /** Why a selector has no form: the field and the reason, for a refusal. */
  static final class NoForm extends Exception {
    private static final long serialVersionUID = 1L;

    NoForm(String reason) {
      super(reason, null, false, false);
    }
  }

  private final Cluster cluster;

  CalicoSelectorForms(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * The forms of a pod selector with its namespace scope: {@code ownNamespace} for a namespaced
   * scope (then {@code namespaces} is empty), else {@code namespaces} (absent: every namespace).
   *
   * @param pods         the pod selector; absent for every pod of the namespaces
   * @param podField     the pod selector's field, for notes and refusals
   * @param nsField      the namespace selector's field
   * @param inventory    receives a note for each test rewritten from the inventory
   * @throws NoForm when a conjunct has no label-selector form or the expansion is too large
   */
  List<Form> forms(Optional<CalicoSelector> pods, String podField, Optional<CalicoSelector> namespaces,
      String nsField, Optional<String> ownNamespace, Set<String> inventory) throws NoForm {
    List<List<CalicoSelector>> nsConjuncts = namespaces.isPresent()
        ? dnf(namespaces.get(), nsField) : List.of(List.of());
    List<List<CalicoSelector>> podConjuncts = pods.isPresent() ? dnf(pods.get(), podField) : List.of(List.of());
    if ((long) nsConjuncts.size() * podConjuncts.size() > MAX_FORMS) {
      throw new NoForm(describe(podField, pods) + " with " + describe(nsField, namespaces) + " expands to "
          + nsConjuncts.size() * podConjuncts.size() + " alternatives, more than " + MAX_FORMS);
    }
    List<Form> out = new ArrayList<>();
    Set<String> emptyToday = new LinkedHashSet<>();
    for (List<CalicoSelector> nsTests : nsConjuncts) {
      for (List<CalicoSelector> podTests : podConjuncts) {
        // Tests of the pod's Calico labels move to the namespace part or are decided here.
        List<CalicoSelector> nsSide = new ArrayList<>();
        for (CalicoSelector t : nsTests) {
          nsSide.add(renamed(t, namespaceKey(key(t), nsField, namespaces.orElseThrow())));
        }
        List<CalicoSelector> podSide = new ArrayList<>();
        boolean possible = true;
        boolean moved = false; // a pod test now in the namespace part: notes name the pod selector
        for (CalicoSelector t : podTests) {
          String k = key(t);
          if (k.equals(POD_NAMESPACE)) {
            CalicoSelector onName = renamed(t, Namespace.NAME_LABEL);
            if (ownNamespace.isPresent()) {
              possible &= onName.matches(Map.of(Namespace.NAME_LABEL, ownNamespace.get()));
            } else {
              nsSide.add(onName);
              moved = true;
            }
          } else if (k.equals(POD_ORCHESTRATOR)) {
            possible &= t.matches(Map.of(POD_ORCHESTRATOR, "k8s"));
          } else if (k.startsWith(CALICO_PREFIX)) {
            throw new NoForm(describe(podField, pods) + " tests " + k + ", a label Calico adds that Kubernetes"
                + " selectors do not see");
          } else {
            podSide.add(t);
          }
        }
        if (!possible) {
          continue;
        }
        Optional<LabelSelector> ns = ownNamespace.isPresent() ? Optional.of(ownNamespace(ownNamespace.get()))
            : selector(nsSide, moved ? podField : nsField, (moved ? pods : namespaces).map(Object::toString)
                .orElse("all()"), namespaceValues(), inventory, "namespaces", emptyToday);
        Optional<LabelSelector> ps = selector(podSide, podField, pods.map(Object::toString).orElse("all()"),
            podValues(ownNamespace), inventory, "pods", emptyToday);
        if (ns.isEmpty() || ps.isEmpty()) {
          continue; // this pair matches nothing
        }
        Form f = new Form(ns.get(), pods.isPresent() ? ps : Optional.empty());
        if (!out.contains(f)) {
          out.add(f);
        }
      }
    }
    if (out.isEmpty() && !emptyToday.isEmpty()) {
      // Nothing matches today only because no label has a fitting value: the object stays, selecting
      // nothing, so that the conversion is marked as depending on the inventory.
      out.add(new Form(ownNamespace.isPresent() ? ownNamespace(ownNamespace.get()) : nothing(Namespace.NAME_LABEL),
          pods.isPresent() ? Optional.of(nothing(emptyToday.iterator().next())) : Optional.empty()));
    }
    return out;
  }

  private static LabelSelector ownNamespace(String name) {
    return new LabelSelector(Map.of(Namespace.NAME_LABEL, name), List.of());
  }

  /** A label selector no object matches: the key both present and absent. */
  private static LabelSelector nothing(String key) {
    return new LabelSelector(Map.of(), List.of(
        LabelSelectorRequirement.of(key, LabelSelectorRequirement.Operator.Exists),
        LabelSelectorRequirement.of(key, LabelSelectorRequirement.Operator.DoesNotExist)));
  }

  // --- Disjunctive normal form ---

  /** {@code s} as a list of conjuncts, each a list of tests (none: all; no conjunct: nothing). */
  static List<List<CalicoSelector>> dnf(CalicoSelector s, String field) throws NoForm {
    return dnf(s, false, s, field);
  }

  private static List<List<CalicoSelector>> dnf(CalicoSelector s, boolean negated, CalicoSelector whole,
      String field) throws NoForm {
    if (s instanceof CalicoSelector.All || s instanceof CalicoSelector.Global) {
      return negated ? List.of() : List.of(List.of());
    } else if (s instanceof CalicoSelector.Not n) {
      return dnf(n.operand(), !negated, whole, field);
    } else if (s instanceof CalicoSelector.Has) {
      return List.of(List.of(negated ? new CalicoSelector.Not(s) : s));
    } else if (s instanceof CalicoSelector.Compare c) {
      if (!negated) {
        return List.of(List.of(c));
      }
      return List.of(List.of(switch (c.operator()) {
        case EQUALS -> new CalicoSelector.Compare(c.key(), CalicoSelector.Operator.NOT_EQUALS, c.value());
        case NOT_EQUALS -> new CalicoSelector.Compare(c.key(), CalicoSelector.Operator.EQUALS, c.value());
        default -> new CalicoSelector.Not(c);
      }));
    } else if (s instanceof CalicoSelector.In in) {
      return List.of(List.of(negated ? new CalicoSelector.NotIn(in.key(), in.values()) : in));
    } else if (s instanceof CalicoSelector.NotIn in) {
      return List.of(List.of(negated ? new CalicoSelector.In(in.key(), in.values()) : in));
    }
    boolean conjunction = s instanceof CalicoSelector.And ^ negated;
    List<CalicoSelector> operands = s instanceof CalicoSelector.And a ? a.operands()
        : ((CalicoSelector.Or) s).operands();
    List<List<CalicoSelector>> out = conjunction ? List.of(List.of()) : new ArrayList<>();
    for (CalicoSelector operand : operands) {
      List<List<CalicoSelector>> part = dnf(operand, negated, whole, field);
      if (conjunction) {
        checkSize((long) out.size() * part.size(), whole, field);
        List<List<CalicoSelector>> product = new ArrayList<>();
        for (List<CalicoSelector> left : out) {
          for (List<CalicoSelector> right : part) {
            Set<CalicoSelector> both = new LinkedHashSet<>(left);
            both.addAll(right);
            product.add(List.copyOf(both));
          }
        }
        out = product;
      } else {
        for (List<CalicoSelector> c : part) {
          if (!out.contains(c)) {
            out.add(c);
          }
        }
        checkSize(out.size(), whole, field);
      }
    }
    return out;
  }

  private static void checkSize(long conjuncts, CalicoSelector whole, String field) throws NoForm {
    if (conjuncts > MAX_CONJUNCTS) {
      throw new NoForm(field + " '" + whole + "' expands to more than " + MAX_CONJUNCTS + " alternatives in"
          + " disjunctive form (one label selector each)");
    }
  }

  // --- One conjunct as a label selector ---

  /** The key a test tests. */
  private static String key(CalicoSelector t) {
    if (t instanceof CalicoSelector.Not n) {
      return key(n.operand());
    } else if (t instanceof CalicoSelector.Has h) {
      return h.key();
    } else if (t instanceof CalicoSelector.Compare c) {
      return c.key();
    } else if (t instanceof CalicoSelector.In in) {
      return in.key();
    }
    return ((CalicoSelector.NotIn) t).key();
  }

  /** A test of a namespace label as a test of the Kubernetes namespace's label. */
  private static String namespaceKey(String key, String field, CalicoSelector whole) throws NoForm {
    if (key.equals(NAMESPACE_NAME)) {
      return Namespace.NAME_LABEL;
    }
    if (key.startsWith(CALICO_PREFIX)) {
      throw new NoForm(field + " '" + whole + "' tests " + key + ", a label Calico adds that Kubernetes selectors"
          + " do not see");
    }
    return key;
  }

  /** The same test of another key. */
  private static CalicoSelector renamed(CalicoSelector t, String key) {
    if (t instanceof CalicoSelector.Not n) {
      return new CalicoSelector.Not(renamed(n.operand(), key));
    } else if (t instanceof CalicoSelector.Has) {
      return new CalicoSelector.Has(key);
    } else if (t instanceof CalicoSelector.Compare c) {
      return new CalicoSelector.Compare(key, c.operator(), c.value());
    } else if (t instanceof CalicoSelector.In in) {
      return new CalicoSelector.In(key, in.values());
    }
    return new CalicoSelector.NotIn(key, ((CalicoSelector.NotIn) t).values());
  }

  /**
   * A conjunction of tests as one label selector; empty when it matches nothing (a test rewritten
   * from the inventory that no value passes, an {@code in} of no value).
   */
  private static Optional<LabelSelector> selector(List<CalicoSelector> tests, String field, String whole,
      Map<String, Set<String>> values, Set<String> inventory, String objects, Set<String> emptyToday) {
    Map<String, String> match = new LinkedHashMap<>();
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    for (CalicoSelector t : tests) {
      String k = key(t);
      if (t instanceof CalicoSelector.Compare c && c.operator() == CalicoSelector.Operator.EQUALS) {
        if (match.containsKey(k)) {
          exprs.add(LabelSelectorRequirement.of(k, LabelSelectorRequirement.Operator.In, c.value()));
        } else {
          match.put(k, c.value());
        }
      } else if (t instanceof CalicoSelector.Compare c && c.operator() == CalicoSelector.Operator.NOT_EQUALS) {
        exprs.add(LabelSelectorRequirement.of(k, LabelSelectorRequirement.Operator.NotIn, c.value()));
      } else if (t instanceof CalicoSelector.In in) {
        if (in.values().isEmpty()) {
          return Optional.empty();
        }
        exprs.add(new LabelSelectorRequirement(k, "In", List.copyOf(in.values())));
      } else if (t instanceof CalicoSelector.NotIn in) {
        if (!in.values().isEmpty()) {
          exprs.add(new LabelSelectorRequirement(k, "NotIn", List.copyOf(in.values())));
        }
      } else if (t instanceof CalicoSelector.Has) {
        exprs.add(LabelSelectorRequirement.of(k, LabelSelectorRequirement.Operator.Exists));
      } else if (t instanceof CalicoSelector.Not n && n.operand() instanceof CalicoSelector.Has) {
        exprs.add(LabelSelectorRequirement.of(k, LabelSelectorRequirement.Operator.DoesNotExist));
      } else {
        // contains / starts with / ends with, or their negation: the values that pass today.
        boolean negated = t instanceof CalicoSelector.Not;
        CalicoSelector.Compare c = (CalicoSelector.Compare) (negated ? ((CalicoSelector.Not) t).operand() : t);
        Predicate<String> passes = v -> c.matches(Map.of(k, v));
        List<String> listed = new ArrayList<>(new TreeSet<>(values.getOrDefault(k, Set.of()).stream()
            .filter(passes).toList()));
        String test = negated ? "!(" + c + ")" : c.toString();
        inventory.add(field + " '" + whole + "': " + (listed.isEmpty()
            ? test + (negated ? " holds for every one of the " : " matches none of the ") + objects + " of today"
            : test + " is " + k + (negated ? " not in (" : " in (") + String.join(", ", listed) + "), the values "
                + objects + " have today"));
        if (listed.isEmpty() && !negated) {
          emptyToday.add(k);
          return Optional.empty();
        }
        if (!listed.isEmpty()) {
          exprs.add(new LabelSelectorRequirement(k, negated ? "NotIn" : "In", List.copyOf(listed)));
        }
      }
    }
    return Optional.of(new LabelSelector(match, ImmutableList.copyOf(exprs)));
  }

  // --- The inventory's label values ---

  private Map<String, Set<String>> podValues(Optional<String> ownNamespace) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Pod p : cluster.pods()) {
      if (ownNamespace.isEmpty() || ownNamespace.get().equals(p.namespace())) {
        p.labels().forEach((k, v) -> out.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
      }
    }
    return out;
  }

  private Map<String, Set<String>> namespaceValues() {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Namespace n : cluster.namespaces()) {
      n.labels().forEach((k, v) -> out.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
    }
    // A pod's namespace has its name label even when the inventory holds no Namespace object for it.
    for (Pod p : cluster.pods()) {
      out.computeIfAbsent(Namespace.NAME_LABEL, x -> new TreeSet<>()).add(p.namespace());
    }
    return out;
  }

  private static String describe(String field, Optional<CalicoSelector> s) {
    return field + " '" + s.map(Object::toString).orElse("all()") + "'";
  }
}
