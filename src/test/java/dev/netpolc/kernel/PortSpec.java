package dev.netpolc.kernel;

import dev.netpolc.model.Protocol;
import java.util.Objects;

/**
 * A transport port on which test servers listen and probes connect.
 *
 * @param protocol TCP or UDP (the kernel here has no SCTP, see KERNEL-TESTS.md)
 * @param port     1..65535
 */
public record PortSpec(Protocol protocol, int port) {

  /** Rejects SCTP and out-of-range ports. */
  public PortSpec {
    Objects.requireNonNull(protocol, "protocol");
    requireProbeable(protocol);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range 1..65535: " + port);
    }
  }

  /** A TCP port. */
  public static PortSpec tcp(int port) {
    return new PortSpec(Protocol.TCP, port);
  }

  /** A UDP port. */
  public static PortSpec udp(int port) {
    return new PortSpec(Protocol.UDP, port);
  }

  /** Throws when {@code protocol} cannot carry real traffic on this kernel. */
  static void requireProbeable(Protocol protocol) {
    if (protocol == Protocol.SCTP) {
      throw new IllegalArgumentException("SCTP cannot be probed: the test kernel is built without CONFIG_IP_SCTP;"
          + " check SCTP rules with the simulators or nft -c instead");
    }
  }

  @Override
  public String toString() {
    return protocol + "/" + port;
  }
}
