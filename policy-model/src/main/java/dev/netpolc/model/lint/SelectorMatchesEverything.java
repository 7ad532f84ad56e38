package dev.netpolc.model.lint;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;

/**
 * NP304 (information, off by default): a selector that is written out but matches everything,
 * or a {@code podSelector: {}} beside a {@code namespaceSelector} in one peer, which changes
 * nothing. The first kind is a {@code namespaceSelector} whose every requirement is
 * {@code kubernetes.io/metadata.name Exists} (every namespace has that label); both read like
 * restrictions and are not.
 */
public final class SelectorMatchesEverything extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP304";

  /** The rule. */
  public SelectorMatchesEverything() {
    super(ID, Severity.OFF, "a non-empty selector that matches everything, or a redundant podSelector: {} peer",
        false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    for (NetworkPolicy p : context.cluster().policies()) {
      for (RuleWalk w : RuleWalk.of(p)) {
        List<Peer> peers = w.rule().peers();
        for (int j = 0; j < peers.size(); j++) {
          Peer peer = peers.get(j);
          if (peer.ipBlock().isPresent()) {
            continue;
          }
          if (peer.namespaceSelector().isPresent() && matchesEveryNamespace(peer.namespaceSelector().get())) {
            sink.report(p, finding(p, w.peerPath(j) + ".namespaceSelector", "namespaceSelector "
                + peer.namespaceSelector().get() + " matches every namespace (every namespace has the label "
                + Namespace.NAME_LABEL + "); write namespaceSelector: {} to say so"));
          }
          if (peer.namespaceSelector().isPresent() && peer.podSelector().isPresent()
              && peer.podSelector().get().isEmpty()) {
            sink.report(p, finding(p, w.peerPath(j) + ".podSelector",
                "podSelector: {} beside a namespaceSelector changes nothing (every pod of those namespaces "
                    + "matches either way); remove it"));
          }
        }
      }
    }
  }

  /** True for a non-empty selector whose every requirement is "the namespace name label exists". */
  static boolean matchesEveryNamespace(LabelSelector s) {
    if (s.isEmpty() || !s.matchLabels().isEmpty()) {
      return false;
    }
    for (LabelSelectorRequirement r : s.matchExpressions()) {
      if (!Namespace.NAME_LABEL.equals(r.key()) || r.op() != LabelSelectorRequirement.Operator.Exists) {
        return false;
      }
    }
    return true;
  }
}
