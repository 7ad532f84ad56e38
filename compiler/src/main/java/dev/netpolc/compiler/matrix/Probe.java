package dev.netpolc.compiler.matrix;

import dev.netpolc.model.Protocol;
import java.util.Objects;

/**
 * One (port, protocol) to compute a matrix for.
 *
 * @param port     the port
 * @param protocol the protocol
 */
public record Probe(PortSpec port, Protocol protocol) implements Comparable<Probe> {
  public Probe {
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(protocol, "protocol");
  }

  /** By port, then protocol (TCP, UDP, SCTP). */
  @Override
  public int compareTo(Probe o) {
    int c = port.compareTo(o.port);
    return c != 0 ? c : protocol.compareTo(o.protocol);
  }

  @Override
  public String toString() {
    return port + "/" + protocol;
  }
}
