package dev.netpolc.model.cilium;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One {@code toPorts[].ports[]} entry as written. {@code port} is a number ({@code "0"} or
 * empty: every port) or a port name that resolves on the destination pod's container ports;
 * {@code endPort} makes a number an inclusive range; {@code protocol} {@code ANY} or empty means
 * TCP, UDP and SCTP (SEMANTICS-CILIUM.md, "Ports").
 *
 * @param path     where it is: {@code spec.egress[0].toPorts[0].ports[1]}
 * @param port     {@code port} as written ("" when absent)
 * @param endPort  {@code endPort}, empty when not written
 * @param protocol {@code protocol} as written ("" when absent)
 */
public record CiliumPort(String path, String port, OptionalInt endPort, String protocol) {
  /** The protocols {@code ANY} stands for. */
  public static final List<String> ANY_PROTOCOLS = List.of("TCP", "UDP", "SCTP");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,5}");

  public CiliumPort {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(endPort, "endPort");
    Objects.requireNonNull(protocol, "protocol");
  }

  /** True when {@code port} is a name rather than a number (or empty). */
  public boolean named() {
    return !port.isEmpty() && !DIGITS.matcher(port).matches();
  }

  /** The port number (0 for "every port", also when empty), or -1 for a name or a number that does not fit. */
  public int number() {
    if (port.isEmpty()) {
      return 0;
    }
    if (named()) {
      return -1;
    }
    int n = Integer.parseInt(port);
    return n > 65535 ? -1 : n;
  }

  /** The protocols this entry matches: the one written, or TCP, UDP and SCTP for {@code ANY}/empty. */
  public List<String> protocols() {
    return protocol.isEmpty() || protocol.equals("ANY") ? ANY_PROTOCOLS : List.of(protocol);
  }
}
