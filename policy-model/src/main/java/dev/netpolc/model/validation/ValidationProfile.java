package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;

/**
 * An ordered set of {@link PolicyCheck}s that together make the validation of one API version,
 * in the order the API server applies them (metadata, then spec).
 */
public final class ValidationProfile {
  private final ImmutableList<PolicyCheck> checks;

  /** A profile running {@code checks} in order. */
  public ValidationProfile(List<PolicyCheck> checks) {
    this.checks = ImmutableList.copyOf(checks);
  }

  /** The networking.k8s.io/v1 NetworkPolicy rules, plus NP106 (rules of an unlisted direction). */
  public static ValidationProfile networkingV1(ValidationOptions options) {
    return new ValidationProfile(List.of(
        new ObjectNameCheck(), new RulesCheck(options), new PolicyTypesCheck(), new IgnoredDirectionCheck()));
  }

  /** The checks, in order. */
  public List<PolicyCheck> checks() {
    return checks;
  }

  /** Every finding of every check about {@code policy}. */
  public List<Diagnostic> validate(NetworkPolicy policy) {
    Findings out = new Findings(policy.source());
    for (PolicyCheck c : checks) {
      c.check(policy, out);
    }
    return out.list();
  }
}
