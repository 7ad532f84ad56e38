package dev.netpolc.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A networking.k8s.io/v1 NetworkPolicy as written, with the positions of all its fields.
 *
 * @param namespace       {@code metadata.namespace} ({@code default} when absent; see {@link #source})
 * @param name            {@code metadata.name}
 * @param podSelector     {@code spec.podSelector}
 * @param policyTypes     {@code spec.policyTypes} as written; empty when absent
 * @param ingress         {@code spec.ingress}
 * @param egress          {@code spec.egress}
 * @param source          positions of every field, by field path
 * @param suppressedRules lint rule ids suppressed by a {@code # netpolc: disable=ID} comment
 */
public record NetworkPolicy(String namespace, String name, LabelSelector podSelector, List<String> policyTypes,
    List<PolicyRule> ingress, List<PolicyRule> egress, SourceMap source, Set<String> suppressedRules) {

  public NetworkPolicy {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(podSelector, "podSelector");
    policyTypes = ImmutableList.copyOf(policyTypes);
    ingress = ImmutableList.copyOf(ingress);
    egress = ImmutableList.copyOf(egress);
    Objects.requireNonNull(source, "source");
    suppressedRules = ImmutableSortedSet.copyOf(suppressedRules);
  }

  /** A policy built in code. */
  public static NetworkPolicy of(String namespace, String name, LabelSelector podSelector, List<String> policyTypes,
      List<PolicyRule> ingress, List<PolicyRule> egress) {
    return new NetworkPolicy(namespace, name, podSelector, policyTypes, ingress, egress, SourceMap.EMPTY, Set.of());
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  /** Where the object starts. */
  public SourcePosition position() {
    return source.objectPosition();
  }

  /**
   * The policy types after the API server's defaulting: as written when present; otherwise
   * Ingress, plus Egress when {@code spec.egress} has at least one rule. Unknown written types
   * are ignored here (validation reports them).
   */
  public Set<PolicyType> effectivePolicyTypes() {
    EnumSet<PolicyType> out = EnumSet.noneOf(PolicyType.class);
    if (policyTypes.isEmpty()) {
      out.add(PolicyType.Ingress);
      if (!egress.isEmpty()) {
        out.add(PolicyType.Egress);
      }
      return out;
    }
    for (String t : policyTypes) {
      Optional.ofNullable(PolicyType.parse(t)).ifPresent(out::add);
    }
    return out;
  }

  /** True when the policy isolates the selected pods for ingress. */
  public boolean isolatesIngress() {
    // effectivePolicyTypes().contains(Ingress), without building the set: called per rule and pod.
    return policyTypes.isEmpty() || policyTypes.contains(PolicyType.Ingress.name());
  }

  /** True when the policy isolates the selected pods for egress. */
  public boolean isolatesEgress() {
    return policyTypes.isEmpty() ? !egress.isEmpty() : policyTypes.contains(PolicyType.Egress.name());
  }
}
