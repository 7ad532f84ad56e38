package dev.netpolc.model.lint;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Pod;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.PolicyTier;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NP255: cluster policies of the same tier and the same priority whose subjects overlap and
 * that both have rules in one direction. The API leaves their relative order undefined (an
 * implementation may apply either first); netpolc orders them ClusterNetworkPolicy before
 * AdminNetworkPolicy, then by name ({@link ClusterNetworkPolicy#ORDER}). With inventory,
 * subjects overlap when some pod is selected by both; without, only when the subjects are the
 * same (a {@code namespaces} subject equals a {@code pods} subject of the same namespaces and
 * every pod). A BaselineAdminNetworkPolicy has no priority and is left out. Each policy is
 * reported once, on its {@code spec.priority}, naming the policies evaluated before it.
 */
public final class EqualPriorityOverlap extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP255";

  /** The rule. */
  public EqualPriorityOverlap() {
    super(ID, Severity.WARNING, "policies of one tier and priority whose subjects overlap (order undefined)", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    Map<List<Object>, List<ClusterNetworkPolicy>> groups = new LinkedHashMap<>();
    for (ClusterNetworkPolicy p : context.cluster().tieredPolicies()) {
      Optional<PolicyTier> tier = p.parsedTier();
      if (tier.isEmpty() || p.kind() == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY) {
        continue;
      }
      groups.computeIfAbsent(List.of(tier.get(), p.priority()), k -> new ArrayList<>()).add(p);
    }
    boolean inventory = context.cluster().hasInventory();
    for (List<ClusterNetworkPolicy> group : groups.values()) {
      if (group.size() < 2) {
        continue;
      }
      group.sort(ClusterNetworkPolicy.ORDER);
      if (inventory) {
        byPods(context.selection(), group, sink);
      } else {
        bySubject(group, sink);
      }
    }
  }

  /** Overlap by pods: a pod-to-policies index, so that disjoint subjects cost nothing. */
  private void byPods(Selection selection, List<ClusterNetworkPolicy> group, LintSink sink) {
    List<List<Pod>> subjects = new ArrayList<>(group.size());
    Map<Pod, BitSet> policiesOf = new IdentityHashMap<>();
    for (int i = 0; i < group.size(); i++) {
      List<Pod> pods = TieredSelection.subjects(selection, group.get(i).subject());
      subjects.add(pods);
      for (Pod pod : pods) {
        policiesOf.computeIfAbsent(pod, k -> new BitSet()).set(i);
      }
    }
    for (int i = 1; i < group.size(); i++) {
      BitSet overlapping = new BitSet();
      for (Pod pod : subjects.get(i)) {
        overlapping.or(policiesOf.get(pod));
      }
      List<ClusterNetworkPolicy> earlier = new ArrayList<>();
      Pod shared = null;
      for (int j = overlapping.nextSetBit(0); j >= 0 && j < i; j = overlapping.nextSetBit(j + 1)) {
        if (sharesDirection(group.get(i), group.get(j))) {
          if (earlier.isEmpty()) {
            int first = j;
            shared = subjects.get(i).stream().filter(pod -> policiesOf.get(pod).get(first)).findFirst().orElseThrow();
          }
          earlier.add(group.get(j));
        }
      }
      if (!earlier.isEmpty()) {
        report(group.get(i), earlier, "their subjects share pod " + shared.key(), sink);
      }
    }
  }

  /** Without inventory: equal subjects only. */
  private void bySubject(List<ClusterNetworkPolicy> group, LintSink sink) {
    for (int i = 1; i < group.size(); i++) {
      List<ClusterNetworkPolicy> earlier = new ArrayList<>();
      ClusterPolicySubject subject = normalised(group.get(i).subject());
      for (int j = 0; j < i; j++) {
        if (sharesDirection(group.get(i), group.get(j)) && normalised(group.get(j).subject()).equals(subject)) {
          earlier.add(group.get(j));
        }
      }
      if (!earlier.isEmpty()) {
        report(group.get(i), earlier, "their subjects are the same", sink);
      }
    }
  }

  private void report(ClusterNetworkPolicy p, List<ClusterNetworkPolicy> earlier, String overlap, LintSink sink) {
    List<String> keys = new ArrayList<>();
    List<Diagnostic.Related> related = new ArrayList<>();
    for (ClusterNetworkPolicy e : earlier) {
      keys.add(e.key());
      if (related.size() < 3) {
        related.add(new Diagnostic.Related(e.source().find("spec.priority"), e.key() + ", evaluated before "
            + p.key()));
      }
    }
    String tier = p.parsedTier().orElseThrow().apiName();
    sink.report(p.suppressedRules(), finding(p.source(), p.key(), "spec.priority", "same tier (" + tier
        + ") and priority (" + p.priority() + ") as " + sample(keys) + ", and " + overlap + ": the API leaves "
        + "their order undefined; netpolc evaluates " + earlier.get(0).key() + " first (ClusterNetworkPolicy before "
        + "AdminNetworkPolicy, then by name); give them distinct priorities", related));
  }

  /** True when both policies have rules in one direction, where their order can matter. */
  private static boolean sharesDirection(ClusterNetworkPolicy a, ClusterNetworkPolicy b) {
    return (!a.ingress().isEmpty() && !b.ingress().isEmpty()) || (!a.egress().isEmpty() && !b.egress().isEmpty());
  }

  /** {@code pods: {namespaceSelector: S, podSelector: {}}} is {@code namespaces: S}. */
  private static ClusterPolicySubject normalised(ClusterPolicySubject s) {
    if (s.pods().isPresent() && s.namespaces().isEmpty()
        && s.pods().get().podSelector().equals(LabelSelector.EVERYTHING)) {
      return ClusterPolicySubject.namespaces(s.pods().get().namespaceSelector());
    }
    return s;
  }
}
