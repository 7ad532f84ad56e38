package dev.netpolc.model.cilium;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * Everything Cilium-specific an input held: the CiliumNetworkPolicies and
 * CiliumClusterwideNetworkPolicies, in input order. One component of
 * {@link dev.netpolc.model.Cluster}.
 *
 * @param policies both kinds, in input order
 */
public record CiliumResources(List<CiliumPolicy> policies) {
  /** No Cilium resources. */
  public static final CiliumResources EMPTY = new CiliumResources(List.of());

  public CiliumResources {
    policies = ImmutableList.copyOf(policies);
  }

  /** True when the input held no Cilium object. */
  public boolean isEmpty() {
    return policies.isEmpty();
  }

  /** Both inputs together, in order. */
  public CiliumResources plus(CiliumResources other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    return new CiliumResources(ImmutableList.<CiliumPolicy>builder().addAll(policies).addAll(other.policies).build());
  }
}
