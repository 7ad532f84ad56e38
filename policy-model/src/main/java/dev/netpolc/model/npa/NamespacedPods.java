package dev.netpolc.model.npa;

import dev.netpolc.model.LabelSelector;
import java.util.Objects;

/**
 * A {@code pods} subject or peer: the pods matching {@code podSelector} in the namespaces
 * matching {@code namespaceSelector} (an absent selector is written as the empty one, which
 * matches everything, as the API defines).
 *
 * @param namespaceSelector namespaces
 * @param podSelector       pods within them
 */
public record NamespacedPods(LabelSelector namespaceSelector, LabelSelector podSelector) {
  public NamespacedPods {
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    Objects.requireNonNull(podSelector, "podSelector");
  }
}
