package dev.netpolc.model.lint;

import com.google.common.base.Suppliers;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.calico.CalicoAction;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.PolicyTier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * NP261: a {@code Pass} rule of a Calico policy (staged too, against what is enforced) whose
 * endpoints have no policy in any later tier for that direction. Pass skips the rest of its
 * tier and goes on with the next tier that has a policy applying to the endpoint; when there is
 * none, evaluation ends and Calico's profile allows (SEMANTICS-CALICO.md, "The decision"), so
 * the Pass acts as an Allow, which is rarely what a Pass was written for.
 *
 * <p>Tiers follow {@link CalicoResources#tiersInOrder()}, built-in ones included: Kubernetes
 * NetworkPolicies are policies of {@code default}, AdminNetworkPolicies and Admin-tier
 * ClusterNetworkPolicies of {@code kube-admin}, and BaselineAdminNetworkPolicies and
 * Baseline-tier ClusterNetworkPolicies of {@code kube-baseline}, so a Pass in {@code default}
 * goes to {@code kube-baseline}, which is empty unless such Baseline policies exist. With
 * inventory, the finding names the endpoints the policy selects that no later policy applies
 * to; without, it is reported only when no later policy can apply to the same endpoints (a
 * namespaced policy of another namespace, or selectors that contradict, cannot).
 */
public final class PassInLastTier extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP261";

  /** The rule. */
  public PassInLastTier() {
    super(ID, Severity.WARNING, "a Calico Pass with no later tier for its endpoints (it allows, like Allow)", false);
  }

  /** One policy of a later tier: the endpoints it applies to, and whether it may share one with a Calico policy. */
  private record Later(Supplier<Set<Pod>> pods, Predicate<CalicoPolicy> mayShare) {}

  @Override
  public void check(LintContext context, LintSink sink) {
    Cluster cluster = context.cluster();
    CalicoResources calico = cluster.calico();
    List<CalicoTier> tiers = calico.tiersInOrder();
    boolean inventory = cluster.hasInventory();
    // What follows tier t in a direction is the same for every policy of t: computed once.
    Map<List<Object>, List<Later>> laterByTier = new HashMap<>();
    Map<List<Object>, Set<Pod>> coveredByTier = new HashMap<>();
    for (CalicoPolicy p : calico.policies()) {
      int t = indexOf(tiers, p.tier());
      if (t < 0) {
        continue; // an undefined tier: NP260
      }
      for (boolean ingress : new boolean[] {true, false}) {
        if (!(ingress ? p.appliesToIngress() : p.appliesToEgress())) {
          continue;
        }
        List<CalicoRule> rules = p.rules(ingress);
        List<Integer> passes = new ArrayList<>();
        int reachable = CalicoRuleWalk.reachable(rules);
        for (int i = 0; i < reachable; i++) {
          if (rules.get(i).actionKind() == CalicoAction.PASS) {
            passes.add(i);
          }
        }
        if (passes.isEmpty()) {
          continue;
        }
        List<Object> key = List.of(t, ingress);
        List<Later> later = laterByTier.computeIfAbsent(key, k -> {
          List<Later> out = new ArrayList<>();
          for (CalicoTier tier : tiers.subList(t + 1, tiers.size())) {
            members(context, tier, ingress, out);
          }
          return out;
        });
        String alone = inventory
            ? aloneWithInventory(context, p, coveredByTier.computeIfAbsent(key, k -> covered(later)))
            : aloneWithout(p, later);
        if (alone == null) {
          continue;
        }
        String after = t + 1 == tiers.size() ? "no tier comes after tier " + CalicoRuleWalk.quoted(p.tier())
            : "no later tier (" + sample(tiers.subList(t + 1, tiers.size()).stream().map(CalicoTier::name).toList())
                + ") has an " + CalicoRuleWalk.direction(ingress) + " policy for " + alone;
        for (int i : passes) {
          sink.report(p.suppressedRules(), finding(p.source(), p.key(), CalicoRuleWalk.path(ingress, i) + ".action",
              "Pass, and " + after + ": evaluation ends after the Pass and Calico's profile allows the connection, so "
              + "the Pass acts as Allow; write Allow if that is meant, or add the later-tier policy that should "
              + "decide", List.of()));
        }
      }
    }
  }

  /** Without inventory: null when some later policy may apply to the same endpoints. */
  private static String aloneWithout(CalicoPolicy p, List<Later> later) {
    return later.stream().anyMatch(l -> l.mayShare().test(p)) ? null : "the endpoints this policy selects";
  }

  /** Every endpoint some later policy applies to. */
  private static Set<Pod> covered(List<Later> later) {
    Set<Pod> out = Collections.newSetFromMap(new IdentityHashMap<>());
    later.forEach(l -> out.addAll(l.pods().get()));
    return out;
  }

  /** With inventory: the endpoints of {@code p} that no later policy applies to, described; null when none. */
  private static String aloneWithInventory(LintContext context, CalicoPolicy p, Set<Pod> covered) {
    List<Pod> subjects = CalicoSelection.of(context).subjects(p);
    List<String> alone = new ArrayList<>();
    for (Pod pod : subjects) {
      if (!covered.contains(pod)) {
        alone.add(pod.key());
      }
    }
    if (alone.isEmpty()) {
      return null;
    }
    return alone.size() == subjects.size() ? "any endpoint this policy selects (" + sample(alone) + ")"
        : alone.size() + " of the " + subjects.size() + " endpoints this policy selects (" + sample(alone) + ")";
  }

  /** Adds the enforced policies of {@code tier} that apply in the direction. */
  private static void members(LintContext context, CalicoTier tier, boolean ingress, List<Later> out) {
    Cluster cluster = context.cluster();
    for (CalicoPolicy q : cluster.calico().policiesInTier(tier.name())) {
      if (ingress ? q.appliesToIngress() : q.appliesToEgress()) {
        out.add(new Later(() -> CalicoSelection.of(context).subjectSet(q),
            other -> !CalicoSelection.disjoint(other, q)));
      }
    }
    if (tier.name().equals(CalicoTier.DEFAULT.name())) {
      for (NetworkPolicy np : cluster.policies()) {
        if (ingress ? np.isolatesIngress() : np.isolatesEgress()) {
          Supplier<Set<Pod>> pods = Suppliers.memoize(() -> identitySet(context.selection().subjects(np)));
          out.add(new Later(pods, other -> !CalicoSelection.disjointFromNamespace(np.namespace(), other)));
        }
      }
    }
    PolicyTier builtIn = tier.name().equals(CalicoTier.KUBE_ADMIN.name()) ? PolicyTier.ADMIN
        : tier.name().equals(CalicoTier.KUBE_BASELINE.name()) ? PolicyTier.BASELINE : null;
    if (builtIn != null) {
      for (ClusterNetworkPolicy c : cluster.tieredPolicies()) {
        if (c.parsedTier().orElse(null) == builtIn && !c.rules(ingress).isEmpty()) {
          Supplier<Set<Pod>> pods = Suppliers.memoize(
              () -> identitySet(TieredSelection.subjects(context.selection(), c.subject())));
          out.add(new Later(pods, other -> true));
        }
      }
    }
  }

  private static Set<Pod> identitySet(List<Pod> pods) {
    Set<Pod> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(pods);
    return set;
  }

  private static int indexOf(List<CalicoTier> tiers, String name) {
    for (int i = 0; i < tiers.size(); i++) {
      if (tiers.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
