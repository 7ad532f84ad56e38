package dev.netpolc.model.npa;

import java.util.Optional;

/**
 * {@code destinationPort} of a v1alpha2 protocol entry: exactly one of the fields is valid;
 * neither (the protocol written without a port) means every port of the protocol.
 *
 * @param number a single port
 * @param range  an inclusive range
 */
public record DestinationPort(Optional<Integer> number, Optional<PortRange> range) {

  /** No port given: every port (invalid in the CRD, kept for validation to report). */
  public static final DestinationPort ANY = new DestinationPort(Optional.empty(), Optional.empty());

  /** A single port. */
  public static DestinationPort number(int port) {
    return new DestinationPort(Optional.of(port), Optional.empty());
  }

  /** A range of ports. */
  public static DestinationPort range(int start, int end) {
    return new DestinationPort(Optional.empty(), Optional.of(new PortRange(start, end)));
  }
}
