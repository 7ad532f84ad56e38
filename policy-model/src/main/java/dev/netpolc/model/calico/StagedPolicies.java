package dev.netpolc.model.calico;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calico's staged policies as if they were enforced: the cluster that {@code netpolc diff --staged}
 * compares with the cluster as it is. Calico previews a staged policy without enforcing it; what
 * enforcing it means is what this class does (Calico's staged policy reference pages):
 *
 * <ul>
 *   <li>A StagedNetworkPolicy or StagedGlobalNetworkPolicy with {@code stagedAction} {@code Set}
 *       (the default) becomes the NetworkPolicy or GlobalNetworkPolicy of the same name (and
 *       namespace): it replaces the enforced one of that name where there is one, else it is
 *       added.</li>
 *   <li>With {@code stagedAction} {@code Delete} it removes the enforced policy of that name (and
 *       namespace), and adds nothing; when there is none, nothing changes.</li>
 *   <li>{@code Learn} and {@code Ignore} (policy recommendation states) preview no change: such a
 *       policy stays staged and changes nothing.</li>
 *   <li>A StagedKubernetesNetworkPolicy becomes the Kubernetes NetworkPolicy of its namespace and
 *       name, replacing the one of that name where there is one; with {@code stagedAction}
 *       {@code Delete} it removes that one, and {@code Learn}/{@code Ignore} change nothing.</li>
 * </ul>
 *
 * <p>A promoted policy keeps its source positions, so explanations and diffs over the promoted
 * cluster point at the staged object. Everything else (inventory, tiers, network sets, other
 * policies) is unchanged and in input order; a replaced policy's place in the list is taken by
 * its replacement (Calico orders policies by tier, order and name, not by input order).
 */
public final class StagedPolicies {
  private StagedPolicies() {}

  /** True when {@code cluster} holds a staged policy whose promotion can change it. */
  public static boolean hasPreview(Cluster cluster) {
    return cluster.calico().stagedKubernetesActions().stream().anyMatch(a -> a.equals("Set") || a.equals("Delete"))
        || cluster.calico().stagedPolicies().stream().anyMatch(StagedPolicies::previews);
  }

  /** {@code cluster} with its staged policies enforced, as the class comment says. */
  public static Cluster promote(Cluster cluster) {
    CalicoResources calico = cluster.calico();
    // Enforced Calico policies by key, in input order; a Set replaces in place, a Delete removes.
    Map<String, CalicoPolicy> enforced = new LinkedHashMap<>();
    List<CalicoPolicy> keptStaged = new ArrayList<>();
    for (CalicoPolicy p : calico.policies()) {
      if (!p.staged()) {
        enforced.put(p.key(), p);
      }
    }
    for (CalicoPolicy s : calico.stagedPolicies()) {
      if (!previews(s)) {
        keptStaged.add(s);
        continue;
      }
      CalicoPolicy asEnforced = enforcedForm(s);
      if (s.stagedDelete()) {
        enforced.remove(asEnforced.key());
      } else {
        enforced.put(asEnforced.key(), asEnforced);
      }
    }
    List<CalicoPolicy> policies = ImmutableList.<CalicoPolicy>builder().addAll(enforced.values())
        .addAll(keptStaged).build();

    Map<String, NetworkPolicy> kubernetes = new LinkedHashMap<>();
    for (NetworkPolicy p : cluster.policies()) {
      kubernetes.put(p.key(), p);
    }
    for (int i = 0; i < calico.stagedKubernetesPolicies().size(); i++) {
      NetworkPolicy s = calico.stagedKubernetesPolicies().get(i);
      switch (calico.stagedKubernetesActions().get(i)) {
        case "Set" -> kubernetes.put(s.key(), s);
        case "Delete" -> kubernetes.remove(s.key());
        default -> { } // Learn, Ignore: no change previewed
      }
    }
    CalicoResources promoted = new CalicoResources(policies, calico.tiers(), calico.networkSets(),
        calico.serviceAccounts(), calico.services(), calico.endpointSlices(), List.of());
    return cluster.withPolicies(ImmutableList.copyOf(kubernetes.values())).withCalico(promoted);
  }

  /** {@code Set} (or none) and {@code Delete} preview a change; the recommendation states do not. */
  private static boolean previews(CalicoPolicy staged) {
    Optional<String> action = staged.stagedAction();
    return action.isEmpty() || action.get().equals("Set") || action.get().equals("Delete");
  }

  /** The enforced kind's policy with the staged one's fields. */
  private static CalicoPolicy enforcedForm(CalicoPolicy s) {
    CalicoKind kind = s.kind() == CalicoKind.STAGED_NETWORK_POLICY ? CalicoKind.NETWORK_POLICY
        : CalicoKind.GLOBAL_NETWORK_POLICY;
    return new CalicoPolicy(kind, s.namespace(), s.name(), s.tier(), s.order(), s.selector(), s.namespaceSelector(),
        s.serviceAccountSelector(), s.types(), s.ingress(), s.egress(), s.doNotTrack(), s.preDNAT(),
        s.applyOnForward(), s.source(), s.suppressedRules());
  }
}
