package dev.netpolc.model.lint;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Node;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.NamespacedPods;
import java.util.List;

/**
 * NP256: a cluster policy's subject, or a {@code namespaces}, {@code pods} or {@code nodes} peer,
 * that selects nothing in the inventory: the policy applies to no pod, or the peer matches no
 * traffic (usually a label typo). Only pods that take part count (an IP, not terminated, not on
 * the host network); namespaces not declared exist with their name label. {@code nodes} peers
 * are checked only when the input has Node objects.
 */
public final class TieredSelectorSelectsNothing extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP256";

  /** The rule. */
  public TieredSelectorSelectsNothing() {
    super(ID, Severity.WARNING, "a cluster policy's subject or peer selects nothing", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    Selection selection = context.selection();
    List<Node> nodes = context.cluster().nodes();
    for (ClusterNetworkPolicy p : context.cluster().tieredPolicies()) {
      p.subject().namespaces().ifPresent(sel -> namespaces(selection, p, sel, "spec.subject.namespaces", "the policy "
          + "applies to no pod", sink));
      p.subject().pods().ifPresent(pods -> pods(selection, p, pods, "spec.subject.pods", "the policy applies to no "
          + "pod", sink));
      for (boolean ingress : new boolean[] {true, false}) {
        List<ClusterPolicyRule> rules = p.rules(ingress);
        for (int i = 0; i < rules.size(); i++) {
          List<ClusterPolicyPeer> peers = rules.get(i).peers();
          for (int j = 0; j < peers.size(); j++) {
            ClusterPolicyPeer peer = peers.get(j);
            String path = (ingress ? "spec.ingress[" : "spec.egress[") + i + (ingress ? "].from[" : "].to[") + j + "]";
            peer.namespaces().ifPresent(sel -> namespaces(selection, p, sel, path + ".namespaces", "the peer "
                + "matches nothing", sink));
            peer.pods().ifPresent(pods -> pods(selection, p, pods, path + ".pods", "the peer matches nothing", sink));
            if (!ingress && !nodes.isEmpty() && peer.nodes().isPresent()) {
              LabelSelector sel = peer.nodes().get();
              if (nodes.stream().noneMatch(n -> sel.matches(n.labels()))) {
                sink.report(p.suppressedRules(), finding(p.source(), p.key(), path + ".nodes", "nodes " + sel
                    + " matches no Node; the peer matches nothing", List.of()));
              }
            }
          }
        }
      }
    }
  }

  private void namespaces(Selection selection, ClusterNetworkPolicy p, LabelSelector sel, String path,
      String consequence, LintSink sink) {
    if (selection.namespaces(sel).isEmpty()) {
      sink.report(p.suppressedRules(), finding(p.source(), p.key(), path, "namespaces " + sel
          + " matches no namespace; " + consequence, List.of()));
    } else if (TieredSelection.inNamespaces(selection, sel, LabelSelector.EVERYTHING).isEmpty()) {
      sink.report(p.suppressedRules(), finding(p.source(), p.key(), path, "the namespaces matching " + sel
          + " have no running pod; " + consequence, List.of()));
    }
  }

  private void pods(Selection selection, ClusterNetworkPolicy p, NamespacedPods pods, String path,
      String consequence, LintSink sink) {
    if (selection.namespaces(pods.namespaceSelector()).isEmpty()) {
      sink.report(p.suppressedRules(), finding(p.source(), p.key(), path + ".namespaceSelector", "namespaceSelector "
          + pods.namespaceSelector() + " matches no namespace; " + consequence, List.of()));
    } else if (TieredSelection.pods(selection, pods).isEmpty()) {
      sink.report(p.suppressedRules(), finding(p.source(), p.key(), path + ".podSelector", "podSelector "
          + pods.podSelector() + " matches no running pod in the namespaces matching " + pods.namespaceSelector()
          + "; " + consequence, List.of()));
    }
  }
}
