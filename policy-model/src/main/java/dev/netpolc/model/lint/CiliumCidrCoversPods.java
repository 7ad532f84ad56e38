package dev.netpolc.model.lint;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * NP268: a {@code fromCIDR}/{@code toCIDR} entry or a {@code fromCIDRSet}/{@code toCIDRSet}
 * {@code cidr} (less its {@code except}s) that covers the cluster's own addresses: a node's pod
 * CIDR, a node address, or a pod IP of the inventory. Cilium matches the endpoints it manages,
 * and nodes, by identity only: "CIDR rules do not apply to traffic where both sides of the
 * connection are either managed by Cilium or use an IP belonging to a node in the cluster"
 * (SEMANTICS-CILIUM.md, "The Cilium profile"). So an allow by CIDR does not let those pods in or
 * out, and, worse, a deny by CIDR does not block them. Prefix-0 ranges ("anywhere") are left
 * alone: they are written for the outside world.
 */
public final class CiliumCidrCoversPods extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP268";

  /** The rule. */
  public CiliumCidrCoversPods() {
    super(ID, Severity.WARNING, "a Cilium CIDR rule covers pod or node addresses, which Cilium never matches by CIDR",
        true);
  }

  /**
   * One CIDR of a section rule that covers cluster addresses.
   *
   * @param path  where it is ({@code spec.egress[0].toCIDR[1]}, {@code spec.egress[0].toCIDRSet[0].cidr})
   * @param cidr  the range
   * @param hits  the cluster ranges it covers, described
   */
  record Covering(String path, Cidr cidr, List<String> hits) {}

  /** The CIDRs of {@code peer} that cover cluster addresses, in input order. */
  static List<Covering> covering(CiliumSelection selection, CiliumPeerRule peer) {
    List<Covering> out = new ArrayList<>();
    List<String> cidrs = peer.cidrs().orElse(List.of());
    for (int i = 0; i < cidrs.size(); i++) {
      add(selection, peer.fieldPath("CIDR") + "[" + i + "]", CiliumSelection.cidr(cidrs.get(i)), List.of(), out);
    }
    List<CiliumCidrSet> sets = peer.cidrSets().orElse(List.of());
    for (int i = 0; i < sets.size(); i++) {
      CiliumCidrSet set = sets.get(i);
      add(selection, peer.fieldPath("CIDRSet") + "[" + i + "].cidr", CiliumSelection.cidr(set.cidr()),
          CiliumSelection.except(set), out);
    }
    return out;
  }

  private static void add(CiliumSelection selection, String path, Optional<Cidr> cidr, List<Cidr> except,
      List<Covering> out) {
    if (cidr.isEmpty() || cidr.get().prefix() == 0) {
      return; // unparsable: NP193; anywhere: meant for the world
    }
    List<String> hits = selection.clusterRangesIn(cidr.get(), except);
    if (!hits.isEmpty()) {
      out.add(new Covering(path, cidr.get(), hits));
    }
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    CiliumSelection selection = CiliumSelection.of(context);
    for (CiliumSelection.Section s : CiliumSelection.sections(context)) {
      CiliumPeerRule peer = s.peer();
      for (Covering c : covering(selection, peer)) {
        String effect = peer.deny()
            ? "this deny does not block them; deny pods with " + peer.direction().field("Endpoints") + " or "
                + peer.direction().field("Entities") + ": [cluster]"
            : "this rule does not allow them; select pods with " + peer.direction().field("Endpoints") + " or "
                + peer.direction().field("Entities") + ": [cluster]";
        sink.report(s.policy().suppressedRules(), finding(s.policy().source(), s.policy().key(), c.path(),
            c.cidr() + " covers " + sample(c.hits()) + ", but Cilium never matches pods or nodes by CIDR (only by "
            + "identity), so " + effect, List.of()));
      }
    }
  }
}
