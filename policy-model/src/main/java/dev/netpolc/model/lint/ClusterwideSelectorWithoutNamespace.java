package dev.netpolc.model.lint;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Pod;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumRule;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * NP266: an {@code endpointSelector} or {@code fromEndpoints}/{@code toEndpoints} selector of a
 * CiliumClusterwideNetworkPolicy that names no namespace label and matches pods of more than one
 * namespace of the inventory. In a CiliumNetworkPolicy such a selector is limited to the policy's
 * namespace; in the cluster-wide kind it is not (SEMANTICS-CILIUM.md, "Subjects and peers"), a
 * common surprise when a policy moves from one kind to the other.
 *
 * <p>When it is likely a mistake: the selector has requirements (an empty selector says "every
 * pod" on purpose), none of them on {@code io.kubernetes.pod.namespace} or an
 * {@code io.cilium.k8s.namespace.labels.*} key, none on {@code reserved:} identities, and the
 * pods it matches in the inventory lie in two namespaces or more. A selector that matches pods
 * of one namespace only is left alone: it does what a namespaced selector would, today.
 */
public final class ClusterwideSelectorWithoutNamespace extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP266";

  /** The rule. */
  public ClusterwideSelectorWithoutNamespace() {
    super(ID, Severity.WARNING, "a CiliumClusterwideNetworkPolicy selector without a namespace label matches pods "
        + "of several namespaces", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    CiliumSelection selection = CiliumSelection.of(context);
    for (CiliumPolicy p : context.cluster().cilium().policies()) {
      if (!p.clusterwide()) {
        continue;
      }
      for (CiliumRule r : p.rules()) {
        if (r.endpointSelector().isPresent()) {
          check(sink, p, r.path() + ".endpointSelector", r.endpointSelector().get(), "selects",
              () -> selection.subjects(p, r));
        }
        for (CiliumPeerRule peer : r.peerRules()) {
          List<LabelSelector> selectors = peer.endpoints().orElse(List.of());
          for (int i = 0; i < selectors.size(); i++) {
            LabelSelector s = selectors.get(i);
            check(sink, p, peer.fieldPath("Endpoints") + "[" + i + "]", s, "matches", () -> selection.peers(p, s));
          }
        }
      }
    }
  }

  private void check(LintSink sink, CiliumPolicy p, String path, LabelSelector selector, String verb,
      Supplier<List<Pod>> matched) {
    if (selector.isEmpty() || CiliumSelection.namesNamespace(selector)) {
      return;
    }
    List<Pod> pods = matched.get();
    TreeSet<String> namespaces = new TreeSet<>();
    pods.forEach(pod -> namespaces.add(pod.namespace()));
    if (namespaces.size() < 2) {
      return;
    }
    sink.report(p.suppressedRules(), finding(p.source(), p.key(), path, "selector {" + selector + "} names no "
        + "io.kubernetes.pod.namespace, so in a CiliumClusterwideNetworkPolicy it " + verb + " pods of every "
        + "namespace: here " + pods.size() + " pods in " + sample(List.copyOf(namespaces)) + " ("
        + sample(pods.stream().map(Pod::key).toList()) + "); add k8s:io.kubernetes.pod.namespace (or an "
        + "io.cilium.k8s.namespace.labels.* key) if one namespace was meant", List.of()));
  }
}
