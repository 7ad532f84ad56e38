package dev.netpolc.model.npa;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code policy.networking.k8s.io/v1alpha1} AdminNetworkPolicy as written.
 * {@link V1alpha1Lowering#lower(AdminNetworkPolicy)} gives its meaning as an Admin-tier
 * ClusterNetworkPolicy.
 *
 * @param name            {@code metadata.name}
 * @param priority        {@code spec.priority} (0–1000)
 * @param subject         {@code spec.subject}
 * @param ingress         {@code spec.ingress}
 * @param egress          {@code spec.egress}
 * @param source          positions of every field, by v1alpha1 field path
 * @param suppressedRules lint rule ids suppressed by a comment on the object
 */
public record AdminNetworkPolicy(String name, int priority, ClusterPolicySubject subject, List<AnpRule> ingress,
    List<AnpRule> egress, SourceMap source, Set<String> suppressedRules) {

  public AdminNetworkPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subject, "subject");
    ingress = ImmutableList.copyOf(ingress);
    egress = ImmutableList.copyOf(egress);
    Objects.requireNonNull(source, "source");
    suppressedRules = ImmutableSortedSet.copyOf(suppressedRules);
  }

  /** {@code anp:NAME}. */
  public String key() {
    return ClusterPolicyKind.ADMIN_NETWORK_POLICY.shortName() + ":" + name;
  }

  /** Where the object starts. */
  public SourcePosition position() {
    return source.objectPosition();
  }
}
