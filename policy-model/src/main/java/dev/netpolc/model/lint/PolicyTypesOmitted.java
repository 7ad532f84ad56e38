package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.diagnostics.Severity;
import java.util.stream.Collectors;

/**
 * NP302 (information, off by default): {@code spec.policyTypes} is omitted, so the API server
 * defaults it (Ingress, plus Egress only when {@code spec.egress} has a rule). A policy meant
 * to deny all egress with {@code egress: []} and no policyTypes isolates ingress only.
 */
public final class PolicyTypesOmitted extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP302";

  /** The rule. */
  public PolicyTypesOmitted() {
    super(ID, Severity.OFF, "policyTypes omitted (defaulted)", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      if (p.source().has("spec.policyTypes")) {
        continue;
      }
      String types = p.effectivePolicyTypes().stream().map(PolicyType::name).collect(Collectors.joining(", "));
      sink.report(p, finding(p, "spec", "policyTypes omitted; the API server defaults it to [" + types + "]"));
    }
  }
}
