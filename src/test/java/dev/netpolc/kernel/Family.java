package dev.netpolc.kernel;

import dev.netpolc.model.IpAddress;

/** An IP address family; every test endpoint has one address of each. */
public enum Family {
  /** IPv4. */
  V4("IPv4"),
  /** IPv6. */
  V6("IPv6");

  private final String label;

  Family(String label) {
    this.label = label;
  }

  /** The family of {@code address}; IPv4-mapped IPv6 addresses count as IPv6, as on the wire. */
  public static Family of(IpAddress address) {
    return address.v6() ? V6 : V4;
  }

  /** "IPv4" or "IPv6". */
  public String label() {
    return label;
  }
}
