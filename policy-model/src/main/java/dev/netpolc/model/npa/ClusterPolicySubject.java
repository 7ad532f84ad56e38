package dev.netpolc.model.npa;

import dev.netpolc.model.LabelSelector;
import java.util.Optional;

/**
 * {@code spec.subject} as written: exactly one of the fields is valid (validation reports
 * otherwise).
 *
 * @param namespaces every pod in the namespaces this selector matches
 * @param pods       the pods of a namespace and pod selector
 */
public record ClusterPolicySubject(Optional<LabelSelector> namespaces, Optional<NamespacedPods> pods) {

  /** A subject of every pod in the matching namespaces. */
  public static ClusterPolicySubject namespaces(LabelSelector s) {
    return new ClusterPolicySubject(Optional.of(s), Optional.empty());
  }

  /** A subject of the matching pods in the matching namespaces. */
  public static ClusterPolicySubject pods(LabelSelector namespaceSelector, LabelSelector podSelector) {
    return new ClusterPolicySubject(Optional.empty(), Optional.of(new NamespacedPods(namespaceSelector, podSelector)));
  }
}
