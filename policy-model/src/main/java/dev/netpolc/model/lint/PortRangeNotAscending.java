package dev.netpolc.model.lint;

import dev.netpolc.model.SourceMap;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.AnpRule;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import java.util.List;
import java.util.Set;

/**
 * NP252: a v1alpha1 {@code portRange} whose start is not below its end. v1alpha1 does not check
 * the order (v1alpha2 requires {@code start < end}): a range with start above end matches no
 * port, one with start equal to end a single port, and neither converts to a valid v1alpha2
 * range.
 */
public final class PortRangeNotAscending extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP252";

  /** The rule. */
  public PortRangeNotAscending() {
    super(ID, Severity.WARNING, "a v1alpha1 portRange whose start is not below its end", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (AdminNetworkPolicy p : context.cluster().adminNetworkPolicies()) {
      check(p.ingress(), p.egress(), p.source(), p.key(), p.suppressedRules(), sink);
    }
    for (BaselineAdminNetworkPolicy p : context.cluster().baselineAdminNetworkPolicies()) {
      check(p.ingress(), p.egress(), p.source(), p.key(), p.suppressedRules(), sink);
    }
  }

  private void check(List<AnpRule> ingress, List<AnpRule> egress, SourceMap source, String key,
      Set<String> suppressed, LintSink sink) {
    V1alpha1Ports.forEach(ingress, egress, (port, path) -> port.portRange().ifPresent(r -> {
      if (r.start() > r.end()) {
        sink.report(suppressed, finding(source, key, path + ".portRange", "start " + r.start() + " is above end "
            + r.end() + ": the range matches no port (v1alpha2 rejects such a range)", List.of()));
      } else if (r.start() == r.end()) {
        sink.report(suppressed, finding(source, key, path + ".portRange", "start and end are both " + r.start()
            + ": one port; write portNumber (v1alpha2 rejects a range with start = end)", List.of()));
      }
    }));
  }
}
