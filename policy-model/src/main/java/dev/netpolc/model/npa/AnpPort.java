package dev.netpolc.model.npa;

import java.util.Optional;

/**
 * One entry of a v1alpha1 rule's {@code ports}, as written: exactly one field is valid.
 *
 * @param portNumber {@code portNumber}: a protocol (default TCP; the CRD accepts any text) and port
 * @param namedPort  {@code namedPort}: a container port name of the destination pod
 * @param portRange  {@code portRange}: a protocol and an inclusive range (the CRD does not check
 *                   {@code start < end})
 */
public record AnpPort(Optional<ProtocolPort> portNumber, Optional<String> namedPort,
    Optional<ProtocolRange> portRange) {

  /**
   * {@code portNumber}.
   *
   * @param protocol as written ("TCP" when absent)
   * @param port     the port
   */
  public record ProtocolPort(String protocol, int port) {}

  /**
   * {@code portRange}.
   *
   * @param protocol as written ("TCP" when absent)
   * @param start    first port
   * @param end      last port
   */
  public record ProtocolRange(String protocol, int start, int end) {}

  /** How many fields are set (1 when valid). */
  public int fieldCount() {
    return (portNumber.isPresent() ? 1 : 0) + (namedPort.isPresent() ? 1 : 0) + (portRange.isPresent() ? 1 : 0);
  }
}
