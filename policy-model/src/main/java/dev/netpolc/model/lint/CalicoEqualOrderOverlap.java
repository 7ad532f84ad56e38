package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.CalicoAction;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * NP265: two Calico policies of one tier with the same written {@code order} that can select
 * the same endpoint in a direction where their order matters (at least one of them has a Deny or
 * Pass rule there; between Allow rules the order changes nothing). Calico then orders them by
 * name ({@link CalicoPolicy#ORDER}), which is rarely what the author meant. With inventory,
 * they overlap when some endpoint is selected by both; without, when their selectors are not
 * provably disjoint ({@link CalicoSelection#disjoint}). Policies without {@code order} are left
 * out: leaving it out is the common way of saying "last, by name".
 *
 * <p>An enforced policy is reported once, on its {@code spec.order}, naming the policies before
 * it (related locations). A staged policy is compared with the enforced policies (except the
 * one of its own name, which it would replace) and the staged ones before it. A Calico policy of
 * the {@code default} tier at order 1000 is also compared with the Kubernetes NetworkPolicies,
 * which Calico places there ({@code knp.default.<name>}).
 */
public final class CalicoEqualOrderOverlap extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP265";

  /** The rule. */
  public CalicoEqualOrderOverlap() {
    super(ID, Severity.WARNING, "Calico policies of one tier and order whose selectors overlap (ordered by name)",
        false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    CalicoResources calico = context.cluster().calico();
    Map<List<Object>, List<CalicoPolicy>> groups = new LinkedHashMap<>();
    for (CalicoPolicy p : calico.policies()) {
      if (p.order().isPresent()) {
        groups.computeIfAbsent(List.of(p.tier(), p.order().getAsDouble()), k -> new ArrayList<>()).add(p);
      }
    }
    boolean inventory = context.cluster().hasInventory();
    for (List<CalicoPolicy> group : groups.values()) {
      group.sort(CalicoPolicy.ORDER);
      for (int i = 0; i < group.size(); i++) {
        CalicoPolicy p = group.get(i);
        List<Other> others = new ArrayList<>();
        for (int j = 0; j < group.size(); j++) {
          CalicoPolicy q = group.get(j);
          boolean compared = p.staged() ? (q.staged() ? j < i : !sameName(p, q)) : !q.staged() && j < i;
          if (compared) {
            overlap(context, inventory, p, q).ifPresent(o -> others.add(new Other(q.key(),
                CalicoPolicy.ORDER.compare(q, p) < 0, q.source().find("spec.order"), o)));
          }
        }
        if (p.tier().equals(CalicoPolicy.DEFAULT_TIER)
            && p.order().getAsDouble() == CalicoResources.KUBERNETES_POLICY_ORDER) {
          kubernetesPolicies(context, inventory, p, others);
        }
        if (!others.isEmpty()) {
          report(p, others, sink);
        }
      }
    }
  }

  /**
   * A policy evaluated in the same place as {@code p}: its key, whether it comes first, where its
   * order is written, and how it overlaps {@code p}.
   */
  private record Other(String key, boolean before, SourcePosition position, String overlap) {}

  /**
   * Kubernetes NetworkPolicies are policies of the default tier at order 1000, named
   * {@code knp.default.<name>} (SEMANTICS-CALICO.md, "Order"); their rules are Allow rules, so
   * only a Deny or Pass of {@code p} makes their order matter.
   */
  private static void kubernetesPolicies(LintContext context, boolean inventory, CalicoPolicy p, List<Other> out) {
    for (NetworkPolicy np : context.cluster().policies()) {
      boolean matters = (np.isolatesIngress() && p.appliesToIngress() && denyOrPass(p.rules(true)))
          || (np.isolatesEgress() && p.appliesToEgress() && denyOrPass(p.rules(false)));
      if (!matters) {
        continue;
      }
      String overlap = null;
      if (!inventory) {
        overlap = CalicoSelection.disjointFromNamespace(np.namespace(), p) ? null
            : "their selectors can match the same endpoints";
      } else {
        Set<Pod> mine = CalicoSelection.of(context).subjectSet(p);
        for (Pod pod : context.selection().subjects(np)) {
          if (mine.contains(pod)) {
            overlap = "both select endpoint " + pod.key();
            break;
          }
        }
      }
      if (overlap != null) {
        String name = CalicoResources.KUBERNETES_POLICY_PREFIX + np.name();
        int c = name.compareTo(p.name());
        boolean before = c < 0 || (c == 0 && np.namespace().compareTo(p.namespace()) < 0);
        out.add(new Other("Kubernetes NetworkPolicy " + np.namespace() + "/" + np.name() + " (Calico's " + name + ")",
            before, np.source().find("metadata.name"), overlap));
      }
    }
  }

  private void report(CalicoPolicy p, List<Other> others, LintSink sink) {
    List<String> keys = new ArrayList<>();
    List<Diagnostic.Related> related = new ArrayList<>();
    for (Other o : others) {
      keys.add(o.key());
      if (related.size() < 3) {
        related.add(new Diagnostic.Related(o.position(), o.key() + ", evaluated " + (o.before() ? "before " : "after ")
            + p.key()));
      }
    }
    Other first = others.get(0);
    String order = first.before() ? first.key() + " before " + p.key() : p.key() + " before " + first.key();
    sink.report(p.suppressedRules(), finding(p.source(), p.key(), "spec.order", "same tier ("
        + CalicoRuleWalk.quoted(p.tier()) + ") and order (" + number(p.order().getAsDouble()) + ") as "
        + sample(keys) + ", and " + first.overlap() + ": Calico then orders them by name (" + order + "); give them "
        + "distinct orders", related));
  }

  /** How the two policies overlap where their order matters, or empty. */
  private static Optional<String> overlap(LintContext context, boolean inventory, CalicoPolicy a, CalicoPolicy b) {
    if (!ordersMatter(a, b, true) && !ordersMatter(a, b, false)) {
      return Optional.empty();
    }
    if (!inventory) {
      return CalicoSelection.disjoint(a, b) ? Optional.empty() : Optional.of("their selectors can match the same "
          + "endpoints");
    }
    CalicoSelection selection = CalicoSelection.of(context);
    Set<Pod> mine = selection.subjectSet(a);
    for (Pod pod : selection.subjects(b)) {
      if (mine.contains(pod)) {
        return Optional.of("both select endpoint " + pod.key());
      }
    }
    return Optional.empty();
  }

  /** True when both apply in the direction and one of them has a rule there whose order matters (Deny or Pass). */
  private static boolean ordersMatter(CalicoPolicy a, CalicoPolicy b, boolean ingress) {
    boolean both = ingress ? a.appliesToIngress() && b.appliesToIngress() : a.appliesToEgress() && b.appliesToEgress();
    return both && (denyOrPass(a.rules(ingress)) || denyOrPass(b.rules(ingress)));
  }

  private static boolean denyOrPass(List<CalicoRule> rules) {
    return rules.stream().anyMatch(r -> r.actionKind() == CalicoAction.DENY || r.actionKind() == CalicoAction.PASS);
  }

  /** The staged policy and the enforced one it would replace: same namespace and name, same scope. */
  private static boolean sameName(CalicoPolicy a, CalicoPolicy b) {
    return a.global() == b.global() && a.namespace().equals(b.namespace()) && a.name().equals(b.name());
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
