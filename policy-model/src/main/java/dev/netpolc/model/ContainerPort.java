package dev.netpolc.model;

import java.util.Objects;

/**
 * A port a container declares ({@code spec.containers[].ports[]}).
 *
 * @param name          the port's name, or null when unnamed
 * @param containerPort the port number
 * @param protocol      the protocol (TCP when not written)
 */
public record ContainerPort(String name, int containerPort, Protocol protocol) {
  public ContainerPort {
    Objects.requireNonNull(protocol, "protocol");
  }
}
