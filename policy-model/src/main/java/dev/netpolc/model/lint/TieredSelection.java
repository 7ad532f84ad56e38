package dev.netpolc.model.lint;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Pod;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.NamespacedPods;
import java.util.List;

/**
 * Which pods a cluster policy's subject or {@code namespaces}/{@code pods} peer picks out of the
 * inventory (SEMANTICS-TIERS.md): every pod of the matching namespaces, or the matching pods of
 * the matching namespaces; only pods that take part ({@link Selection#takesPart}), so never
 * host-network pods.
 */
final class TieredSelection {
  private TieredSelection() {}

  /** The pods a subject selects, in namespace order. */
  static List<Pod> subjects(Selection selection, ClusterPolicySubject subject) {
    if (subject.namespaces().isPresent()) {
      return inNamespaces(selection, subject.namespaces().get(), LabelSelector.EVERYTHING);
    }
    return subject.pods().map(p -> pods(selection, p)).orElse(List.of());
  }

  /** The pods of a {@code pods} subject or peer. */
  static List<Pod> pods(Selection selection, NamespacedPods pods) {
    return inNamespaces(selection, pods.namespaceSelector(), pods.podSelector());
  }

  /** The pods matching {@code podSelector} in the namespaces matching {@code namespaceSelector}. */
  static List<Pod> inNamespaces(Selection selection, LabelSelector namespaceSelector, LabelSelector podSelector) {
    ImmutableList.Builder<Pod> out = ImmutableList.builder();
    for (Namespace ns : selection.namespaces(namespaceSelector)) {
      out.addAll(selection.podsIn(ns.name(), podSelector));
    }
    return out.build();
  }
}
