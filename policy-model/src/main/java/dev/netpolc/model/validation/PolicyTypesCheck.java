package dev.netpolc.model.validation;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyType;
import java.util.List;

/** NP110: every {@code policyTypes} entry must be Ingress or Egress, and there may be at most two. */
public final class PolicyTypesCheck implements PolicyCheck {
  /** The rule id for unknown or too many policy types. */
  public static final String ID = "NP110";

  /** Creates the check. */
  public PolicyTypesCheck() {}

  @Override
  public void check(NetworkPolicy policy, Findings out) {
    List<String> types = policy.policyTypes();
    for (int i = 0; i < types.size(); i++) {
      if (PolicyType.parse(types.get(i)) == null) {
        out.error(ID, "spec.policyTypes[" + i + "]",
            "unsupported value \"" + types.get(i) + "\": supported values: \"Ingress\", \"Egress\"");
      }
    }
    if (types.size() > PolicyType.values().length) {
      out.error(ID, "spec.policyTypes", "may not specify more than two policyTypes");
    }
  }
}
