package dev.netpolc.model.calico;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A rule's {@code protocol} or {@code notProtocol} as written: a name ({@code TCP}, {@code UDP},
 * {@code ICMP}, {@code ICMPv6}, {@code SCTP}, {@code UDPLite}) or a number (1–255).
 *
 * @param text    the name, or the number's decimal text
 * @param numeric true when YAML gave a number
 */
public record CalicoProtocol(String text, boolean numeric) {
  /** Calico's protocol names and their IANA numbers. */
  public static final Map<String, Integer> NAMES =
      Map.of("TCP", 6, "UDP", 17, "ICMP", 1, "ICMPv6", 58, "SCTP", 132, "UDPLite", 136);

  public CalicoProtocol {
    Objects.requireNonNull(text, "text");
  }

  /** The protocol given by name. */
  public static CalicoProtocol named(String name) {
    return new CalicoProtocol(name, false);
  }

  /** The protocol given by number. */
  public static CalicoProtocol number(int number) {
    return new CalicoProtocol(Integer.toString(number), true);
  }

  /** The IANA protocol number, or empty for an unknown name or a number outside 1–255. */
  public OptionalInt protocolNumber() {
    if (numeric) {
      try {
        int n = Integer.parseInt(text);
        return n >= 1 && n <= 255 ? OptionalInt.of(n) : OptionalInt.empty();
      } catch (NumberFormatException e) {
        return OptionalInt.empty();
      }
    }
    Integer n = NAMES.get(text);
    return n == null ? OptionalInt.empty() : OptionalInt.of(n);
  }

  /** True when Calico allows numeric ports with this protocol: TCP, UDP, SCTP (6, 17, 132). */
  public boolean supportsPorts() {
    OptionalInt n = protocolNumber();
    return n.isPresent() && (n.getAsInt() == 6 || n.getAsInt() == 17 || n.getAsInt() == 132);
  }

  /** True for ICMP (1). */
  public boolean isIcmp() {
    return protocolNumber().orElse(-1) == 1;
  }

  /** True for ICMPv6 (58). */
  public boolean isIcmpV6() {
    return protocolNumber().orElse(-1) == 58;
  }

  @Override
  public String toString() {
    return text;
  }
}
