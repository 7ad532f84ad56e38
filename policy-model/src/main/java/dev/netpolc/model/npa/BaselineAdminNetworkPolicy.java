package dev.netpolc.model.npa;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code policy.networking.k8s.io/v1alpha1} BaselineAdminNetworkPolicy as written (a singleton
 * named {@code default}). {@link V1alpha1Lowering#lower(BaselineAdminNetworkPolicy)} gives its
 * meaning as a Baseline-tier ClusterNetworkPolicy ordered after every other Baseline policy.
 *
 * @param name            {@code metadata.name} (must be {@code default})
 * @param subject         {@code spec.subject}
 * @param ingress         {@code spec.ingress}
 * @param egress          {@code spec.egress}
 * @param source          positions of every field, by v1alpha1 field path
 * @param suppressedRules lint rule ids suppressed by a comment on the object
 */
public record BaselineAdminNetworkPolicy(String name, ClusterPolicySubject subject, List<AnpRule> ingress,
    List<AnpRule> egress, SourceMap source, Set<String> suppressedRules) {

  public BaselineAdminNetworkPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subject, "subject");
    ingress = ImmutableList.copyOf(ingress);
    egress = ImmutableList.copyOf(egress);
    Objects.requireNonNull(source, "source");
    suppressedRules = ImmutableSortedSet.copyOf(suppressedRules);
  }

  /** {@code banp:NAME}. */
  public String key() {
    return ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY.shortName() + ":" + name;
  }

  /** Where the object starts. */
  public SourcePosition position() {
    return source.objectPosition();
  }
}
