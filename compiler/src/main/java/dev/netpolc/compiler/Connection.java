package dev.netpolc.compiler;

import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.Objects;
import java.util.Optional;

/**
 * A new connection as policy decides it: source and destination address, IP protocol number,
 * and destination port (0 for protocols without ports, such as ICMP).
 *
 * @param source      source address
 * @param destination destination address (same family as the source)
 * @param protocol    IP protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, …)
 * @param port        destination port, 1..65535 for TCP/UDP/SCTP, 0 otherwise
 */
public record Connection(IpAddress source, IpAddress destination, int protocol, int port) {
  public Connection {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (source.v6() != destination.v6()) {
      throw new IllegalArgumentException("source and destination of different families");
    }
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("protocol out of range: " + protocol);
    }
    boolean hasPorts = Protocol.ofNumber(protocol).isPresent();
    if (hasPorts ? port < 1 || port > 65535 : port != 0) {
      throw new IllegalArgumentException("port " + port + " invalid for protocol " + protocol);
    }
  }

  /** A TCP, UDP or SCTP connection. */
  public static Connection of(IpAddress source, IpAddress destination, Protocol protocol, int port) {
    return new Connection(source, destination, protocol.number(), port);
  }

  /** The port-carrying protocol, if this is one. */
  public Optional<Protocol> portProtocol() {
    return Protocol.ofNumber(protocol);
  }

  @Override
  public String toString() {
    String proto = portProtocol().map(Enum::name).orElse("proto " + protocol);
    return source + " -> " + destination + " " + proto + (port > 0 ? "/" + port : "");
  }
}
