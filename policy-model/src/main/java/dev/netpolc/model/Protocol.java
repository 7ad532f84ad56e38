package dev.netpolc.model;

import java.util.Locale;
import java.util.Optional;

/** The port-carrying protocols a NetworkPolicy port may name, with their IP protocol numbers. */
public enum Protocol {
  TCP(6),
  UDP(17),
  SCTP(132);

  /** IP protocol number of ICMP, for connections that carry no port. */
  public static final int ICMP = 1;
  /** IP protocol number of ICMPv6. */
  public static final int ICMPV6 = 58;

  private final int number;

  Protocol(int number) {
    this.number = number;
  }

  /** The IP protocol number (6, 17, 132). */
  public int number() {
    return number;
  }

  /** The protocol with this IP number, if it carries ports. */
  public static Optional<Protocol> ofNumber(int number) {
    for (Protocol p : values()) {
      if (p.number == number) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Parses the API spelling ({@code TCP}, {@code UDP}, {@code SCTP}); case-sensitive as the API is. */
  public static Optional<Protocol> parse(String text) {
    for (Protocol p : values()) {
      if (p.name().equals(text)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Parses leniently for command lines ({@code tcp} works too). */
  public static Optional<Protocol> parseLenient(String text) {
    return parse(text.toUpperCase(Locale.ROOT));
  }
}
