package dev.netpolc.model.calico;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.selector.CalicoSelector;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A Calico NetworkPolicy, GlobalNetworkPolicy or one of their {@code Staged*} forms, as written,
 * with every field's position in {@link #source()} under its v3 field path
 * ({@code spec.ingress[0].destination.ports[1]}).
 *
 * <p>Within a tier, policies apply by {@link #ORDER}: {@code order} ascending, a policy without
 * one after every ordered policy, then by name. {@code types} defaults as
 * SEMANTICS-CALICO.md says ({@link #appliesToIngress()}, {@link #appliesToEgress()}). The host
 * endpoint options and L7 matches netpolc refuses are kept so that validation can name them.
 *
 * @param kind                   the kind (namespaced or global, enforced or staged)
 * @param namespace              {@code metadata.namespace} of a namespaced kind ("" for global
 *                               kinds; "default" when a namespaced one names none)
 * @param name                   {@code metadata.name}
 * @param tier                   {@code spec.tier} ({@code default} when absent)
 * @param order                  {@code spec.order}, or empty (applied last)
 * @param selector               {@code spec.selector} ({@code all()} when absent or empty)
 * @param namespaceSelector      {@code spec.namespaceSelector} (global kinds only)
 * @param serviceAccountSelector {@code spec.serviceAccountSelector}
 * @param types                  {@code spec.types} as written (empty when absent)
 * @param ingress                {@code spec.ingress}
 * @param egress                 {@code spec.egress}
 * @param doNotTrack             {@code spec.doNotTrack} (host endpoints only; refused)
 * @param preDNAT                {@code spec.preDNAT} (host endpoints only; refused)
 * @param applyOnForward         {@code spec.applyOnForward} (host endpoints only; refused)
 * @param source                 positions of every field
 * @param suppressedRules        lint rule ids suppressed by a comment on the object
 * @param stagedAction           {@code spec.stagedAction} of a staged kind as written ({@code Set},
 *                               {@code Delete}, …; empty when absent, which means {@code Set})
 */
public record CalicoPolicy(CalicoKind kind, String namespace, String name, String tier, OptionalDouble order,
    CalicoSelector selector, Optional<CalicoSelector> namespaceSelector,
    Optional<CalicoSelector> serviceAccountSelector, List<String> types, List<CalicoRule> ingress,
    List<CalicoRule> egress, boolean doNotTrack, boolean preDNAT, boolean applyOnForward, SourceMap source,
    Set<String> suppressedRules, Optional<String> stagedAction) {

  /** The {@code stagedAction} values Calico accepts. */
  public static final List<String> STAGED_ACTIONS = List.of("Set", "Delete", "Learn", "Ignore");

  /** The tier a policy without {@code spec.tier} is in. */
  public static final String DEFAULT_TIER = "default";

  /** Calico's order within a tier: {@code order} ascending (absent last), then name. */
  public static final Comparator<CalicoPolicy> ORDER = Comparator
      .comparingDouble((CalicoPolicy p) -> p.order.isPresent() ? p.order.getAsDouble() : Double.POSITIVE_INFINITY)
      .thenComparing(p -> p.order.isEmpty())
      .thenComparing(CalicoPolicy::name)
      .thenComparing(CalicoPolicy::namespace);

  public CalicoPolicy {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    Objects.requireNonNull(serviceAccountSelector, "serviceAccountSelector");
    types = ImmutableList.copyOf(types);
    ingress = ImmutableList.copyOf(ingress);
    egress = ImmutableList.copyOf(egress);
    Objects.requireNonNull(source, "source");
    suppressedRules = ImmutableSortedSet.copyOf(suppressedRules);
    Objects.requireNonNull(stagedAction, "stagedAction");
    if (stagedAction.isPresent() && !kind.staged()) {
      throw new IllegalArgumentException("stagedAction on an enforced kind: " + kind.kindName());
    }
  }

  /** A policy without {@code spec.stagedAction}. */
  public CalicoPolicy(CalicoKind kind, String namespace, String name, String tier, OptionalDouble order,
      CalicoSelector selector, Optional<CalicoSelector> namespaceSelector,
      Optional<CalicoSelector> serviceAccountSelector, List<String> types, List<CalicoRule> ingress,
      List<CalicoRule> egress, boolean doNotTrack, boolean preDNAT, boolean applyOnForward, SourceMap source,
      Set<String> suppressedRules) {
    this(kind, namespace, name, tier, order, selector, namespaceSelector, serviceAccountSelector, types, ingress,
        egress, doNotTrack, preDNAT, applyOnForward, source, suppressedRules, Optional.empty());
  }

  /**
   * True for a staged policy whose {@code stagedAction} is {@code Delete}: enforcing it removes the
   * enforced policy of the same name (and namespace) instead of setting one.
   */
  public boolean stagedDelete() {
    return kind.staged() && stagedAction.filter("Delete"::equals).isPresent();
  }

  /** True for the {@code Staged*} kinds, which are read but never enforced. */
  public boolean staged() {
    return kind.staged();
  }

  /** True for GlobalNetworkPolicy and StagedGlobalNetworkPolicy. */
  public boolean global() {
    return !kind.namespaced();
  }

  /** True when {@code spec.types} was written; otherwise the types are defaulted. */
  public boolean typesGiven() {
    return !types.isEmpty();
  }

  /**
   * Whether the policy applies to ingress: as written when {@code types} is given; otherwise
   * when the policy has no egress rules or has ingress rules (SEMANTICS-CALICO.md).
   */
  public boolean appliesToIngress() {
    return typesGiven() ? types.contains("Ingress") : egress.isEmpty() || !ingress.isEmpty();
  }

  /** Whether the policy applies to egress: as written, or when it has egress rules. */
  public boolean appliesToEgress() {
    return typesGiven() ? types.contains("Egress") : !egress.isEmpty();
  }

  /** The rules of one direction. */
  public List<CalicoRule> rules(boolean ingressDirection) {
    return ingressDirection ? ingress : egress;
  }

  /** {@code NetworkPolicy/ns/name} or {@code GlobalNetworkPolicy/name}: unique per cluster. */
  public String key() {
    return kind.kindName() + "/" + (global() ? "" : namespace + "/") + name;
  }

  /** Where the object starts. */
  public SourcePosition position() {
    return source.objectPosition();
  }
}
