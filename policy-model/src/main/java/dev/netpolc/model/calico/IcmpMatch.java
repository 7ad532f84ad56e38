package dev.netpolc.model.calico;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A rule's {@code icmp} or {@code notICMP}: an ICMP type (0–254) and optionally a code (0–255,
 * only with a type). Absent fields match every type or code.
 *
 * @param type the ICMP type, or empty for any
 * @param code the ICMP code, or empty for any
 */
public record IcmpMatch(OptionalInt type, OptionalInt code) {
  public IcmpMatch {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(code, "code");
  }

  /** True when a packet of this ICMP type and code matches. */
  public boolean matches(int icmpType, int icmpCode) {
    return (type.isEmpty() || type.getAsInt() == icmpType) && (code.isEmpty() || code.getAsInt() == icmpCode);
  }
}
