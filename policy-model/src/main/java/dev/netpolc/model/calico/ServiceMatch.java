package dev.netpolc.model.calico;

import java.util.Objects;

/**
 * An entity rule's {@code services}: the addresses (and, as a destination, the ports) of the
 * EndpointSlices of one Service.
 *
 * @param name      {@code name} ("" when absent, which validation refuses)
 * @param namespace {@code namespace} ("" when absent: the policy's own namespace)
 */
public record ServiceMatch(String name, String namespace) {
  /** The Service's namespace: {@code namespace}, or the policy's own when none is written. */
  public String namespaceOr(String policyNamespace) {
    return namespace.isEmpty() ? policyNamespace : namespace;
  }

  public ServiceMatch {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
  }
}
