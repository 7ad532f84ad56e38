package dev.netpolc.model.lint;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;

/**
 * NP208: an egress rule uses a named port and has an ipBlock peer. A name resolves against the
 * destination pod's container ports, so for addresses outside the cluster it matches nothing.
 */
public final class NamedPortWithIpBlock extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP208";

  /** The rule. */
  public NamedPortWithIpBlock() {
    super(ID, Severity.WARNING, "a named port with an ipBlock peer in egress, where it cannot resolve", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      for (int i = 0; i < p.egress().size(); i++) {
        PolicyRule rule = p.egress().get(i);
        String rulePath = "spec.egress[" + i + "]";
        ImmutableList.Builder<Diagnostic.Related> blocks = ImmutableList.builder();
        for (int j = 0; j < rule.peers().size(); j++) {
          Peer peer = rule.peers().get(j);
          if (peer.ipBlock().isPresent()) {
            String at = rulePath + ".to[" + j + "].ipBlock";
            blocks.add(new Diagnostic.Related(p.source().find(at), "ipBlock " + peer.ipBlock().get().cidr()));
          }
        }
        List<Diagnostic.Related> related = blocks.build();
        if (related.isEmpty()) {
          continue;
        }
        for (int k = 0; k < rule.ports().size(); k++) {
          PolicyPort port = rule.ports().get(k);
          if (port.port().isPresent() && port.port().get().isNamed()) {
            sink.report(p, finding(p, rulePath + ".ports[" + k + "].port", "named port \""
                + port.port().get().name() + "\" cannot resolve for the addresses of an ipBlock peer "
                + "(names resolve only on destination pods); use the port number", related));
          }
        }
      }
    }
  }
}
