package dev.netpolc.compiler;

/**
 * The behaviours SEMANTICS.md marks as implementation choices. {@link #DEFAULTS} is what
 * SEMANTICS.md prescribes; every evaluator and backend honours the same options.
 *
 * @param ipBlockMatchesPodIps       ipBlock peers match pod IPs too (default true, as the
 *                                   upstream e2e tests expect); false is Cilium's behaviour
 * @param allowNodeToLocalPods       traffic between a pod and the node it runs on is always
 *                                   allowed (default true)
 * @param hostNetworkPodsArePolicyTargets hostNetwork pods are subjects of pod policy and match
 *                                   pod selectors (default false, as Calico and Cilium)
 */
public record SemanticsOptions(boolean ipBlockMatchesPodIps, boolean allowNodeToLocalPods,
    boolean hostNetworkPodsArePolicyTargets) {

  /** The defaults of SEMANTICS.md. */
  public static final SemanticsOptions DEFAULTS = new SemanticsOptions(true, true, false);

  /** These options with {@code ipBlockMatchesPodIps} changed. */
  public SemanticsOptions withIpBlockMatchesPodIps(boolean v) {
    return new SemanticsOptions(v, allowNodeToLocalPods, hostNetworkPodsArePolicyTargets);
  }

  /** These options with {@code allowNodeToLocalPods} changed. */
  public SemanticsOptions withAllowNodeToLocalPods(boolean v) {
    return new SemanticsOptions(ipBlockMatchesPodIps, v, hostNetworkPodsArePolicyTargets);
  }

  /** These options with {@code hostNetworkPodsArePolicyTargets} changed. */
  public SemanticsOptions withHostNetworkPodsArePolicyTargets(boolean v) {
    return new SemanticsOptions(ipBlockMatchesPodIps, allowNodeToLocalPods, v);
  }
}
