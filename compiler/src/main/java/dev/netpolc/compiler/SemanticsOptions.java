package dev.netpolc.compiler;

/**
 * The behaviours SEMANTICS.md and SEMANTICS-TIERS.md mark as implementation choices.
 * {@link #DEFAULTS} is what they prescribe; every evaluator and backend honours the same options.
 *
 * @param ipBlockMatchesPodIps       ipBlock peers match pod IPs too (default true, as the
 *                                   upstream e2e tests expect); false is Cilium's behaviour
 * @param allowNodeToLocalPods       traffic between a pod and the node it runs on is exempt from
 *                                   policy (default true): ingress from the node in every tier,
 *                                   egress to the node in the NetworkPolicy tier (Admin and
 *                                   Baseline rules still apply to it, see SEMANTICS-TIERS.md)
 * @param hostNetworkPodsArePolicyTargets hostNetwork pods are subjects of pod policy and match
 *                                   pod selectors (default false, as Calico and Cilium)
 * @param nodeLocalExemptFromAllTiers with {@code allowNodeToLocalPods}, egress from a pod to its
 *                                   own node is exempt from the Admin and Baseline tiers too
 *                                   (default false)
 * @param domainNamesMatchNothing    compile a {@code domainNames} peer as matching no address
 *                                   ({@code domainNames=match-nothing}); by default the compiler
 *                                   refuses it, since no cluster object can decide it (the
 *                                   reference evaluator always reads it as matching nothing)
 */
public record SemanticsOptions(boolean ipBlockMatchesPodIps, boolean allowNodeToLocalPods,
    boolean hostNetworkPodsArePolicyTargets, boolean nodeLocalExemptFromAllTiers,
    boolean domainNamesMatchNothing) {

  /** The defaults of SEMANTICS.md and SEMANTICS-TIERS.md. */
  public static final SemanticsOptions DEFAULTS = new SemanticsOptions(true, true, false, false, false);

  /** The NetworkPolicy options, with the tier options at their defaults. */
  public SemanticsOptions(boolean ipBlockMatchesPodIps, boolean allowNodeToLocalPods,
      boolean hostNetworkPodsArePolicyTargets) {
    this(ipBlockMatchesPodIps, allowNodeToLocalPods, hostNetworkPodsArePolicyTargets, false, false);
  }

  /** These options with {@code ipBlockMatchesPodIps} changed. */
  public SemanticsOptions withIpBlockMatchesPodIps(boolean v) {
    return new SemanticsOptions(v, allowNodeToLocalPods, hostNetworkPodsArePolicyTargets, nodeLocalExemptFromAllTiers,
        domainNamesMatchNothing);
  }

  /** These options with {@code allowNodeToLocalPods} changed. */
  public SemanticsOptions withAllowNodeToLocalPods(boolean v) {
    return new SemanticsOptions(ipBlockMatchesPodIps, v, hostNetworkPodsArePolicyTargets, nodeLocalExemptFromAllTiers,
        domainNamesMatchNothing);
  }

  /** These options with {@code hostNetworkPodsArePolicyTargets} changed. */
  public SemanticsOptions withHostNetworkPodsArePolicyTargets(boolean v) {
    return new SemanticsOptions(ipBlockMatchesPodIps, allowNodeToLocalPods, v, nodeLocalExemptFromAllTiers,
        domainNamesMatchNothing);
  }

  /** These options with {@code nodeLocalExemptFromAllTiers} changed. */
  public SemanticsOptions withNodeLocalExemptFromAllTiers(boolean v) {
    return new SemanticsOptions(ipBlockMatchesPodIps, allowNodeToLocalPods, hostNetworkPodsArePolicyTargets, v,
        domainNamesMatchNothing);
  }

  /** These options with {@code domainNamesMatchNothing} changed. */
  public SemanticsOptions withDomainNamesMatchNothing(boolean v) {
    return new SemanticsOptions(ipBlockMatchesPodIps, allowNodeToLocalPods, hostNetworkPodsArePolicyTargets,
        nodeLocalExemptFromAllTiers, v);
  }
}
