package dev.netpolc.model.calico;

import com.google.common.collect.ImmutableMap;
import dev.netpolc.model.SourcePosition;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes {@code v1 ServiceAccount}: its labels are what {@code serviceAccountSelector} and
 * {@code serviceAccounts.selector} test.
 *
 * @param namespace {@code metadata.namespace} ("default" when absent)
 * @param name      {@code metadata.name}
 * @param labels    {@code metadata.labels}
 * @param position  where the object starts
 */
public record ServiceAccount(String namespace, String name, Map<String, String> labels, SourcePosition position) {
  public ServiceAccount {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = ImmutableMap.copyOf(labels);
    Objects.requireNonNull(position, "position");
  }
}
