package dev.netpolc.model.lint;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;

/**
 * NP303 (information, off by default): a likely AND/OR slip. Two adjacent peers, one with only
 * a {@code namespaceSelector} and the other with only a {@code podSelector}, allow pods of the
 * first namespaces <em>or</em> matching pods of the policy's namespace; the author often meant
 * one peer with both selectors (matching pods <em>in</em> those namespaces).
 */
public final class SplitPeerSelectors extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP303";

  /** The rule. */
  public SplitPeerSelectors() {
    super(ID, Severity.OFF,
        "likely AND/OR slip: - namespaceSelector and - podSelector as two list items where one was meant", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      for (RuleWalk w : RuleWalk.of(p)) {
        List<Peer> peers = w.rule().peers();
        for (int j = 0; j + 1 < peers.size(); j++) {
          Peer a = peers.get(j);
          Peer b = peers.get(j + 1);
          if ((onlyNamespaces(a) && onlyPods(b)) || (onlyPods(a) && onlyNamespaces(b))) {
            String key = onlyPods(b) ? "podSelector" : "namespaceSelector";
            sink.report(p, finding(p, w.peerPath(j + 1) + "." + key, "peers " + w.peersKey() + "[" + j + "] and "
                + w.peersKey() + "[" + (j + 1) + "] are separate list items, so they are OR-ed: every pod of the "
                + "selected namespaces, or the selected pods of " + p.namespace() + "; to mean the selected pods "
                + "in the selected namespaces, put both selectors in one item (drop the second '-')"));
            j++; // one finding per pair
          }
        }
      }
    }
  }

  private static boolean onlyNamespaces(Peer p) {
    return p.namespaceSelector().isPresent() && p.podSelector().isEmpty() && p.ipBlock().isEmpty();
  }

  private static boolean onlyPods(Peer p) {
    return p.podSelector().isPresent() && p.namespaceSelector().isEmpty() && p.ipBlock().isEmpty();
  }
}
