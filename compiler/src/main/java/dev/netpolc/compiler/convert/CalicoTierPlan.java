package dev.netpolc.compiler.convert;

import dev.netpolc.model.calico.CalicoAction;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.CalicoTier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one Calico tier is written as a run of ClusterNetworkPolicy priorities: which policies need
 * the tier's end-of-tier Deny, and what becomes of each Pass rule.
 *
 * <p>The end-of-tier Deny (defaultAction Deny) is reached by an endpoint only when no rule of the
 * tier's policies that apply to it matched. It is written for a policy unless the tier passes by
 * default or some policy of the tier that ends with an unconditional rule selects (from its
 * selectors alone) every endpoint this one selects.
 *
 * <p>In the last tier of a run (the last before {@code default}, or the last tier of all), a Pass
 * is ClusterNetworkPolicy's Pass: both go on with what follows the run. In an earlier tier,
 * Calico's Pass goes on with the next tier, which in the run is the next priority after the
 * tier's; leaving the rule out does the same when the traffic it matches meets nothing else of
 * the tier: (a) no later rule (Allow or Deny; Log and Pass rules decide nothing here) of the same
 * policy, nor of a later policy of the tier that can select an endpoint this one selects, can
 * match traffic the Pass matches ({@link CalicoOverlap}), and (b) no end-of-tier Deny of a policy
 * that can select such an endpoint is written. Where only today's inventory shows (a) or (b) the
 * policy is inventory-dependent; where neither shows it the Pass is refused, naming the rule in
 * the way.
 */
final class CalicoTierPlan {
  /**
   * What becomes of one policy of the tier.
   *
   * @param droppedIngress     indices of ingress Pass rules left out
   * @param droppedEgress      indices of egress Pass rules left out
   * @param ingressEnd         the end-of-tier Deny is needed for its ingress
   * @param egressEnd          the end-of-tier Deny is needed for its egress
   * @param inventoryDependent a Pass was left out on the strength of today's inventory
   * @param notes              what was left out and why, for the output's annotations
   * @param refusal            the first Pass that cannot be written: its path and why
   */
  record PolicyPlan(Set<Integer> droppedIngress, Set<Integer> droppedEgress, boolean ingressEnd, boolean egressEnd,
      boolean inventoryDependent, List<String> notes, Optional<Map.Entry<String, String>> refusal) {
    /** The Pass rules left out in one direction. */
    Set<Integer> dropped(boolean ingress) {
      return ingress ? droppedIngress : droppedEgress;
    }
  }

  private CalicoTierPlan() {}

  /**
   * The plan for each policy of {@code policies} (one tier, in Calico order), in the same order.
   *
   * @param passExits true for the last tier of the run, whose Pass is ClusterNetworkPolicy's
   */
  static List<PolicyPlan> of(CalicoOverlap overlap, CalicoTier tier, List<CalicoPolicy> policies,
      boolean passExits) {
    Map<CalicoPolicy, Builder> builders = new LinkedHashMap<>();
    policies.forEach(p -> builders.put(p, new Builder()));
    for (boolean ingress : new boolean[] {true, false}) {
      List<CalicoPolicy> applying = policies.stream()
          .filter(p -> ingress ? p.appliesToIngress() : p.appliesToEgress()).toList();
      List<CalicoPolicy> ends = new ArrayList<>();
      for (CalicoPolicy q : applying) {
        boolean end = !tier.passByDefault() && applying.stream()
            .noneMatch(r -> endsUnconditionally(r.rules(ingress)) && overlap.covers(r, q));
        if (end) {
          ends.add(q);
          builders.get(q).end(ingress);
        }
      }
      if (passExits) {
        continue;
      }
      for (int i = 0; i < applying.size(); i++) {
        CalicoPolicy p = applying.get(i);
        List<CalicoRule> rules = p.rules(ingress);
        for (int j = 0; j < rules.size(); j++) {
          if (rules.get(j).actionKind() == CalicoAction.PASS) {
            passRule(overlap, tier, applying, ends, i, j, ingress, builders.get(p));
          }
        }
      }
    }
    return builders.values().stream().map(Builder::build).toList();
  }

  /** Leaves out Pass rule {@code j} of {@code applying[i]}, or refuses it. */
  private static void passRule(CalicoOverlap overlap, CalicoTier tier, List<CalicoPolicy> applying,
      List<CalicoPolicy> ends, int i, int j, boolean ingress, Builder out) {
    CalicoPolicy p = applying.get(i);
    CalicoRule pass = p.rules(ingress).get(j);
    String dir = ingress ? "spec.ingress" : "spec.egress";
    String path = dir + "[" + j + "]";
    List<String> today = new ArrayList<>();
    for (int m = i; m < applying.size(); m++) {
      CalicoPolicy q = applying.get(m);
      CalicoOverlap.Verdict subjects = m == i ? CalicoOverlap.Verdict.OVERLAP : overlap.subjects(p, q);
      if (subjects.kind() == CalicoOverlap.Kind.DISJOINT) {
        continue;
      }
      List<CalicoRule> rules = q.rules(ingress);
      for (int k = m == i ? j + 1 : 0; k < rules.size(); k++) {
        CalicoAction a = rules.get(k).actionKind();
        if (a == CalicoAction.LOG || a == CalicoAction.PASS) {
          continue;
        }
        CalicoOverlap.Verdict v = subjects.or(overlap.rules(p, pass, q, rules.get(k), ingress));
        if (v.kind() == CalicoOverlap.Kind.OVERLAP) {
          out.refuse(path, "Calico's Pass goes on with the next tier after " + tier.name() + ", and left out it"
              + " would meet " + CalicoTargetConversion.provenance(q).rule(dir + "[" + k + "]") + " (a " + a
              .yamlName() + " that can match the same traffic); ClusterNetworkPolicy's Pass skips the rest of"
              + " its tier (exact only in the last tier before default, or the last tier)");
          return;
        }
        if (v.kind() == CalicoOverlap.Kind.DISJOINT_TODAY) {
          today.add(v.today());
        }
      }
    }
    for (CalicoPolicy q : ends) {
      CalicoOverlap.Verdict subjects = q == p ? CalicoOverlap.Verdict.OVERLAP : overlap.subjects(p, q);
      if (subjects.kind() == CalicoOverlap.Kind.OVERLAP) {
        out.refuse(path, "Calico's Pass goes on with the next tier after " + tier.name() + ", and left out it"
            + " would meet the end-of-tier Deny (defaultAction Deny) of " + CalicoTargetConversion.provenance(q)
            + "; ClusterNetworkPolicy's Pass skips the rest of its tier (exact only in the last tier before"
            + " default, or the last tier)");
        return;
      }
      if (subjects.kind() == CalicoOverlap.Kind.DISJOINT_TODAY) {
        today.add(subjects.today());
      }
    }
    String note = path + " (Pass) left out: nothing later in tier " + tier.name() + " can match its traffic, which"
        + " goes on to the next tier's priorities";
    if (today.isEmpty()) {
      out.drop(ingress, j, note);
    } else {
      out.dropToday(ingress, j, note + " (shown on today's inventory only: " + String.join("; ",
          today.stream().distinct().toList()) + ")");
    }
  }

  /** A rule that always matches, not a Log: the tier's end is never reached past it. */
  static boolean endsUnconditionally(List<CalicoRule> rules) {
    for (CalicoRule r : rules) {
      if (r.unconditional() && r.actionKind() != CalicoAction.LOG) {
        return true;
      }
    }
    return false;
  }

  private static final class Builder {
    private final Set<Integer> ingress = new TreeSet<>();
    private final Set<Integer> egress = new TreeSet<>();
    private boolean ingressEnd;
    private boolean egressEnd;
    private boolean today;
    private final List<String> notes = new ArrayList<>();
    private Map.Entry<String, String> refusal;

    void end(boolean in) {
      if (in) {
        ingressEnd = true;
      } else {
        egressEnd = true;
      }
    }

    void drop(boolean in, int index, String note) {
      (in ? ingress : egress).add(index);
      notes.add(note);
    }

    void dropToday(boolean in, int index, String note) {
      drop(in, index, note);
      today = true;
    }

    void refuse(String path, String reason) {
      if (refusal == null) {
        refusal = Map.entry(path, reason);
      }
    }

    PolicyPlan build() {
      return new PolicyPlan(Set.copyOf(ingress), Set.copyOf(egress), ingressEnd, egressEnd, today, notes,
          Optional.ofNullable(refusal));
    }
  }
}
