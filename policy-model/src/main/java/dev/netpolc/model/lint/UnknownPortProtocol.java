package dev.netpolc.model.lint;

import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.AnpRule;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import java.util.List;
import java.util.Set;

/**
 * NP253: a v1alpha1 {@code portNumber} or {@code portRange} whose {@code protocol} is not
 * {@code TCP}, {@code UDP} or {@code SCTP}. The CRD accepts any text there, but such an entry
 * matches no traffic (protocols are case-sensitive: {@code tcp} matches nothing).
 */
public final class UnknownPortProtocol extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP253";

  /** The rule. */
  public UnknownPortProtocol() {
    super(ID, Severity.WARNING, "a v1alpha1 port protocol other than TCP, UDP or SCTP (matches nothing)", false);
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
    V1alpha1Ports.forEach(ingress, egress, (port, path) -> {
      port.portNumber().ifPresent(n -> protocol(n.protocol(), path + ".portNumber.protocol", source, key,
          suppressed, sink));
      port.portRange().ifPresent(r -> protocol(r.protocol(), path + ".portRange.protocol", source, key,
          suppressed, sink));
    });
  }

  private void protocol(String protocol, String path, SourceMap source, String key, Set<String> suppressed,
      LintSink sink) {
    if (Protocol.parse(protocol).isEmpty()) {
      sink.report(suppressed, finding(source, key, path, "protocol \"" + protocol + "\" is not TCP, UDP or SCTP "
          + "(case matters): the CRD accepts it, but the entry matches no traffic", List.of()));
    }
  }
}
