package dev.netpolc.compiler.matrix;

import dev.netpolc.model.Protocol;
import java.util.Comparator;
import java.util.Objects;

/**
 * One probe to compute a matrix for: a (port, protocol), or an ICMP message.
 *
 * @param port     the port; null for an ICMP probe
 * @param protocol the protocol; null for an ICMP probe
 * @param icmp     the ICMP message; null for a port probe
 */
public record Probe(PortSpec port, Protocol protocol, IcmpMessage icmp) implements Comparable<Probe> {
  private static final Comparator<Probe> ORDER = Comparator
      .comparing((Probe p) -> p.icmp(), Comparator.nullsFirst(Comparator.<IcmpMessage>naturalOrder()))
      .thenComparing(Probe::port, Comparator.nullsFirst(Comparator.<PortSpec>naturalOrder()))
      .thenComparing(Probe::protocol, Comparator.nullsFirst(Comparator.<Protocol>naturalOrder()));

  public Probe {
    if (icmp == null) {
      Objects.requireNonNull(port, "port");
      Objects.requireNonNull(protocol, "protocol");
    } else if (port != null || protocol != null) {
      throw new IllegalArgumentException("an ICMP probe has no port or port protocol");
    }
  }

  /** A port probe. */
  public Probe(PortSpec port, Protocol protocol) {
    this(port, protocol, null);
  }

  /** An ICMP probe. */
  public static Probe icmp(IcmpMessage message) {
    return new Probe(null, null, Objects.requireNonNull(message, "message"));
  }

  /** True for an ICMP probe. */
  public boolean isIcmp() {
    return icmp != null;
  }

  /** Port probes first, by port then protocol (TCP, UDP, SCTP); then ICMP probes. */
  @Override
  public int compareTo(Probe o) {
    return ORDER.compare(this, o);
  }

  /** {@code 80/TCP}, or e.g. {@code ICMP type 8 code 0}. */
  @Override
  public String toString() {
    return isIcmp() ? icmp.toString() : port + "/" + protocol;
  }
}
