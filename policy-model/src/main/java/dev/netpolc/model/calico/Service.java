package dev.netpolc.model.calico;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes {@code v1 Service}, read for Calico's {@code services} entity rules: its
 * selector and ports (its EndpointSlices carry the addresses).
 *
 * @param namespace {@code metadata.namespace} ("default" when absent)
 * @param name      {@code metadata.name}
 * @param selector  {@code spec.selector} (empty: a Service without selector)
 * @param ports     {@code spec.ports}
 * @param position  where the object starts
 */
public record Service(String namespace, String name, Map<String, String> selector, List<Port> ports,
    SourcePosition position) {

  /**
   * One of {@code spec.ports}.
   *
   * @param name       {@code name} ("" when absent)
   * @param protocol   {@code protocol} ({@code TCP} when absent)
   * @param port       {@code port}
   * @param targetPort {@code targetPort} as written: a number's text, a port name, or "" (then
   *                   the same as {@code port})
   */
  public record Port(String name, String protocol, int port, String targetPort) {
    public Port {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(targetPort, "targetPort");
    }
  }

  public Service {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    selector = ImmutableMap.copyOf(selector);
    ports = ImmutableList.copyOf(ports);
    Objects.requireNonNull(position, "position");
  }
}
