package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;

/**
 * NP202: a peer's namespaceSelector matches no namespace, or its selectors together match no
 * pod: the peer allows nothing, usually because of a label typo.
 */
public final class PeerSelectsNothing extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP202";

  /** The rule. */
  public PeerSelectsNothing() {
    super(ID, Severity.WARNING, "a peer selector matches no pod or no namespace", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      checkRules(context, sink, p, p.ingress(), "spec.ingress", "from");
      checkRules(context, sink, p, p.egress(), "spec.egress", "to");
    }
  }

  private void checkRules(LintContext context, LintSink sink, NetworkPolicy p, List<PolicyRule> rules,
      String path, String field) {
    for (int i = 0; i < rules.size(); i++) {
      List<Peer> peers = rules.get(i).peers();
      for (int j = 0; j < peers.size(); j++) {
        Peer peer = peers.get(j);
        if (peer.ipBlock().isPresent() || (peer.podSelector().isEmpty() && peer.namespaceSelector().isEmpty())) {
          continue; // not a selector peer (or invalid: the validator reports it)
        }
        String peerPath = path + "[" + i + "]." + field + "[" + j + "]";
        if (peer.namespaceSelector().isPresent()
            && context.selection().namespaces(peer.namespaceSelector().get()).isEmpty()) {
          sink.report(p, finding(p, peerPath + ".namespaceSelector",
              "namespaceSelector " + peer.namespaceSelector().get() + " matches no namespace"));
        } else if (!context.selection().peerSelectsAnyPod(p, peer)) {
          String where = peer.namespaceSelector().isPresent()
              ? "in the namespaces matching " + peer.namespaceSelector().get()
              : "in namespace " + p.namespace();
          String selPath = peer.podSelector().isPresent() ? ".podSelector" : ".namespaceSelector";
          String sel = peer.podSelector().isPresent() ? "podSelector " + peer.podSelector().get() : "the peer";
          sink.report(p, finding(p, peerPath + selPath, sel + " matches no running pod " + where));
        }
      }
    }
  }
}
