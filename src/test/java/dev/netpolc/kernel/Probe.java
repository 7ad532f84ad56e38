package dev.netpolc.kernel;

import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One connection attempt to make: from an endpoint to an endpoint (or a bare IP) on a port.
 *
 * @param from     source endpoint: pod key ({@code "x/a"}) or node name
 * @param to       destination endpoint, or an IP literal of {@code family}
 * @param protocol TCP or UDP
 * @param port     destination port, 1..65535
 * @param family   address family of the attempt
 */
public record Probe(String from, String to, Protocol protocol, int port, Family family) {

  /** Rejects SCTP, bad ports, and IP literals of the other family. */
  public Probe {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(family, "family");
    PortSpec.requireProbeable(protocol);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range 1..65535: " + port);
    }
    Optional<IpAddress> literal = IpAddress.tryParse(to);
    if (literal.isPresent() && Family.of(literal.get()) != family) {
      throw new IllegalArgumentException("probe to " + to + " is not " + family.label());
    }
  }

  /** A probe on {@code port}'s protocol and number. */
  public static Probe of(String from, String to, PortSpec port, Family family) {
    return new Probe(from, to, port.protocol(), port.port(), family);
  }

  /**
   * Every combination, ordered by family, then port, then source, then destination: the full
   * matrix of {@code from × to} for each port and family.
   */
  public static List<Probe> matrix(List<String> from, List<String> to, List<PortSpec> ports, List<Family> families) {
    List<Probe> out = new ArrayList<>();
    for (Family f : families) {
      for (PortSpec p : ports) {
        for (String a : from) {
          for (String b : to) {
            out.add(of(a, b, p, f));
          }
        }
      }
    }
    return List.copyOf(out);
  }

  /** The port as a {@link PortSpec}. */
  public PortSpec portSpec() {
    return new PortSpec(protocol, port);
  }

  @Override
  public String toString() {
    return from + " -> " + to + " " + protocol + "/" + port + " " + family.label();
  }
}
