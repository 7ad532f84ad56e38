package dev.netpolc.model.npa;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code policy.networking.k8s.io/v1alpha2} ClusterNetworkPolicy as written, or a v1alpha1
 * AdminNetworkPolicy / BaselineAdminNetworkPolicy lowered onto it ({@link #kind} says which, and
 * {@link #source} then holds the v1alpha1 positions under the v1alpha2 field paths).
 *
 * @param name            {@code metadata.name} (cluster-scoped: no namespace)
 * @param tier            {@code spec.tier} as written ("" when absent)
 * @param priority        {@code spec.priority} (0–1000; lower first); a BaselineAdminNetworkPolicy
 *                        has none and is ordered after every Baseline policy (see {@link #ORDER})
 * @param subject         {@code spec.subject}
 * @param ingress         {@code spec.ingress}, in precedence order
 * @param egress          {@code spec.egress}, in precedence order
 * @param kind            the kind it was written as
 * @param source          positions of every field, by v1alpha2 field path
 * @param suppressedRules lint rule ids suppressed by a {@code # netpolc: disable=ID} comment
 */
public record ClusterNetworkPolicy(String name, String tier, int priority, ClusterPolicySubject subject,
    List<ClusterPolicyRule> ingress, List<ClusterPolicyRule> egress, ClusterPolicyKind kind, SourceMap source,
    Set<String> suppressedRules) {

  /**
   * Evaluation order within a tier (SEMANTICS-TIERS.md): a BaselineAdminNetworkPolicy after
   * every other Baseline policy, then ascending priority, then ClusterNetworkPolicy before
   * AdminNetworkPolicy ([choice]), then name.
   */
  public static final Comparator<ClusterNetworkPolicy> ORDER = Comparator
      .comparing((ClusterNetworkPolicy p) -> p.kind == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY)
      .thenComparingInt(ClusterNetworkPolicy::priority)
      .thenComparing(ClusterNetworkPolicy::kind)
      .thenComparing(ClusterNetworkPolicy::name);

  public ClusterNetworkPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(subject, "subject");
    ingress = ImmutableList.copyOf(ingress);
    egress = ImmutableList.copyOf(egress);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    suppressedRules = ImmutableSortedSet.copyOf(suppressedRules);
  }

  /** A ClusterNetworkPolicy built in code. */
  public static ClusterNetworkPolicy of(String name, PolicyTier tier, int priority, ClusterPolicySubject subject,
      List<ClusterPolicyRule> ingress, List<ClusterPolicyRule> egress) {
    return new ClusterNetworkPolicy(name, tier.apiName(), priority, subject, ingress, egress,
        ClusterPolicyKind.CLUSTER_NETWORK_POLICY, SourceMap.EMPTY, Set.of());
  }

  /** The tier, when it is one of the API's values. */
  public Optional<PolicyTier> parsedTier() {
    return PolicyTier.parse(tier);
  }

  /**
   * The key that names this policy in rule origins, explanations and comments:
   * {@code cnp:NAME}, {@code anp:NAME} or {@code banp:NAME} (cluster-scoped names do not clash
   * with NetworkPolicies' {@code namespace/name}).
   */
  public String key() {
    return kind.shortName() + ":" + name;
  }

  /** Where the object starts. */
  public SourcePosition position() {
    return source.objectPosition();
  }

  /** The rules of one direction ({@code true} for ingress). */
  public List<ClusterPolicyRule> rules(boolean ingressRules) {
    return ingressRules ? ingress : egress;
  }
}
