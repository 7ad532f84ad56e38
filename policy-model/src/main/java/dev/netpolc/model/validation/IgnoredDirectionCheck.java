package dev.netpolc.model.validation;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyType;
import java.util.Set;

/**
 * NP106: rules of a direction that {@code policyTypes} leaves out. The API server accepts them
 * but every implementation ignores them, which is never what the author meant.
 */
public final class IgnoredDirectionCheck implements PolicyCheck {
  /** The rule id. */
  public static final String ID = "NP106";

  /** Creates the check. */
  public IgnoredDirectionCheck() {}

  @Override
  public void check(NetworkPolicy policy, Findings out) {
    Set<PolicyType> types = policy.effectivePolicyTypes();
    if (!policy.ingress().isEmpty() && !types.contains(PolicyType.Ingress)) {
      out.error(ID, "spec.ingress", "ingress rules are ignored because spec.policyTypes does not contain Ingress");
    }
    if (!policy.egress().isEmpty() && !types.contains(PolicyType.Egress)) {
      out.error(ID, "spec.egress", "egress rules are ignored because spec.policyTypes does not contain Egress");
    }
  }
}
