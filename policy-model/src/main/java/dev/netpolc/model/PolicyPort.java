package dev.netpolc.model;

import java.util.Optional;

/**
 * One {@code ports[]} entry of a rule, as written. Fields absent in the input are empty; the
 * protocol is kept as text so that validation can report an unknown one.
 *
 * @param protocol the protocol as written, empty when absent (defaults to TCP)
 * @param port     the port, empty for "every port of the protocol"
 * @param endPort  the end of a range, empty when absent
 */
public record PolicyPort(Optional<String> protocol, Optional<PortValue> port, Optional<Integer> endPort) {

  /** A port entry built in code. */
  public static PolicyPort of(Protocol protocol, PortValue port, Integer endPort) {
    return new PolicyPort(Optional.of(protocol.name()), Optional.ofNullable(port), Optional.ofNullable(endPort));
  }

  /** The protocol after defaulting; empty when the written protocol is not one the API knows. */
  public Optional<Protocol> effectiveProtocol() {
    return protocol.isEmpty() ? Optional.of(Protocol.TCP) : Protocol.parse(protocol.get());
  }
}
