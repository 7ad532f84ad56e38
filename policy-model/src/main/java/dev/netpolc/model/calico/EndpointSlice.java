package dev.netpolc.model.calico;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Objects;

/**
 * A Kubernetes {@code discovery.k8s.io/v1 EndpointSlice}: the addresses and ports of one
 * Service ({@code kubernetes.io/service-name} label). Enough for a Calico {@code services}
 * match when the input (as {@code kubectl get} output often does) lacks the Service itself.
 *
 * @param namespace   {@code metadata.namespace} ("default" when absent)
 * @param name        {@code metadata.name}
 * @param serviceName the {@code kubernetes.io/service-name} label ("" when absent)
 * @param addresses   every {@code endpoints[].addresses[]} entry, in input order
 * @param ports       {@code ports}
 * @param position    where the object starts
 */
public record EndpointSlice(String namespace, String name, String serviceName, List<IpAddress> addresses,
    List<Port> ports, SourcePosition position) {

  /** The label that ties a slice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /**
   * One of {@code ports}.
   *
   * @param name     {@code name} ("" when absent)
   * @param protocol {@code protocol} ({@code TCP} when absent)
   * @param port     {@code port}, or -1 when absent (every port)
   */
  public record Port(String name, String protocol, int port) {
    public Port {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(protocol, "protocol");
    }
  }

  public EndpointSlice {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(serviceName, "serviceName");
    addresses = ImmutableList.copyOf(addresses);
    ports = ImmutableList.copyOf(ports);
    Objects.requireNonNull(position, "position");
  }
}
