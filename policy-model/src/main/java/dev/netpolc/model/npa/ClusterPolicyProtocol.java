package dev.netpolc.model.npa;

import java.util.Optional;

/**
 * One entry of a v1alpha2 rule's {@code protocols}, as written: exactly one field is valid. A
 * protocol without {@code destinationPort} ({@code tcp: {}}) binds to a {@link DestinationPort}
 * with neither field, which validation rejects (the CRD's MinProperties) and the evaluators
 * read as every port of that protocol.
 *
 * @param tcp                  TCP to a destination port
 * @param udp                  UDP likewise
 * @param sctp                 SCTP likewise
 * @param destinationNamedPort a container port name of the destination pod (with the protocol
 *                             the pod declares for that name)
 */
public record ClusterPolicyProtocol(Optional<DestinationPort> tcp, Optional<DestinationPort> udp,
    Optional<DestinationPort> sctp, Optional<String> destinationNamedPort) {

  /** How many fields are set (1 when valid). */
  public int fieldCount() {
    return (tcp.isPresent() ? 1 : 0) + (udp.isPresent() ? 1 : 0) + (sctp.isPresent() ? 1 : 0)
        + (destinationNamedPort.isPresent() ? 1 : 0);
  }

  /** TCP to a destination port. */
  public static ClusterPolicyProtocol tcp(DestinationPort port) {
    return new ClusterPolicyProtocol(Optional.of(port), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** UDP to a destination port. */
  public static ClusterPolicyProtocol udp(DestinationPort port) {
    return new ClusterPolicyProtocol(Optional.empty(), Optional.of(port), Optional.empty(), Optional.empty());
  }

  /** SCTP to a destination port. */
  public static ClusterPolicyProtocol sctp(DestinationPort port) {
    return new ClusterPolicyProtocol(Optional.empty(), Optional.empty(), Optional.of(port), Optional.empty());
  }

  /** A named destination port. */
  public static ClusterPolicyProtocol namedPort(String name) {
    return new ClusterPolicyProtocol(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(name));
  }
}
