package dev.netpolc.model.lint;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.diagnostics.Severity;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * NP212: a policy has a rule that allows all ingress (or egress) of the pods it selects: no
 * ports, and no peers or {@code ipBlock}s covering all of IPv4 and IPv6. Then no policy can
 * restrict that direction for those pods. Rules NP210 reports (an empty rule beside
 * restrictions, an empty peer list) are left to it, so that one mistake gives one finding.
 */
public final class PolicyAllowsAllTraffic extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP212";

  /** The rule. */
  public PolicyAllowsAllTraffic() {
    super(ID, Severity.WARNING, "a policy allows all ingress or all egress", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      Set<Boolean> reported = new HashSet<>();
      for (RuleWalk w : RuleWalk.of(p)) {
        if (!w.effective() || !allowsAll(w.rule()) || reported.contains(w.ingress())) {
          continue;
        }
        reported.add(w.ingress()); // one finding per direction
        if (EmptyRuleAllowsEveryPeer.flags(w)) {
          continue;
        }
        sink.report(p, finding(p, w.path(), "allows all " + w.direction() + " (every "
            + (w.ingress() ? "source" : "destination") + ", every protocol and port) for the selected pods, so no "
            + "policy can restrict their " + w.direction()));
      }
    }
  }

  /** True when the rule matches every peer address and every protocol and port. */
  static boolean allowsAll(PolicyRule rule) {
    if (!rule.ports().isEmpty()) {
      return false;
    }
    if (rule.peers().isEmpty()) {
      return true;
    }
    boolean v4 = false;
    boolean v6 = false;
    for (Peer peer : rule.peers()) {
      Optional<IpBlock> block = peer.ipBlock();
      if (block.isEmpty() || peer.podSelector().isPresent() || peer.namespaceSelector().isPresent()
          || !block.get().except().isEmpty()) {
        continue;
      }
      Optional<Cidr> cidr = Cidr.parse(block.get().cidr()).map(Cidr.Parsed::cidr);
      if (cidr.isPresent() && cidr.get().prefix() == 0) {
        v4 |= !cidr.get().v6();
        v6 |= cidr.get().v6();
      }
    }
    return v4 && v6;
  }
}
