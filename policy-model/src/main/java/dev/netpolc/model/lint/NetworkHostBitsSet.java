package dev.netpolc.model.lint;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.validation.ClusterPolicyChecks;
import java.util.List;
import java.util.Optional;

/**
 * NP254: an entry of {@code networks} with host bits set ({@code 10.0.0.1/24}). The CRD's
 * {@code isCIDR} accepts it, and it means the whole block ({@code 10.0.0.0/24}), which is
 * rarely what a single address with a prefix was meant to say.
 */
public final class NetworkHostBitsSet extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP254";

  /** The rule. */
  public NetworkHostBitsSet() {
    super(ID, Severity.WARNING, "a networks CIDR with host bits set (it is masked)", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (ClusterNetworkPolicy p : context.cluster().tieredPolicies()) {
      List<ClusterPolicyRule> rules = p.egress();
      for (int i = 0; i < rules.size(); i++) {
        List<ClusterPolicyPeer> peers = rules.get(i).peers();
        for (int j = 0; j < peers.size(); j++) {
          List<String> networks = peers.get(j).networks().orElse(List.of());
          for (int k = 0; k < networks.size(); k++) {
            String text = networks.get(k);
            if (ClusterPolicyChecks.notCidr(text).isPresent()) {
              continue; // invalid: NP158
            }
            Optional<Cidr.Parsed> parsed = Cidr.parse(text);
            if (parsed.isPresent() && parsed.get().hostBitsSet()) {
              String path = "spec.egress[" + i + "].to[" + j + "].networks[" + k + "]";
              sink.report(p.suppressedRules(), finding(p.source(), p.key(), path, "\"" + text
                  + "\" has host bits set; it means " + parsed.get().cidr() + " (write the network address, or /"
                  + (parsed.get().cidr().v6() ? 128 : 32) + " for one address)", List.of()));
            }
          }
        }
      }
    }
  }
}
