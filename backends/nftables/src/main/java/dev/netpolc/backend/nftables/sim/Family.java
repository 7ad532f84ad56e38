package dev.netpolc.backend.nftables.sim;

import java.util.Locale;

/** The table families of the subset: {@code inet} sees IPv4 and IPv6, {@code ip} and {@code ip6} one each. */
public enum Family {
  INET,
  IP,
  IP6;

  /** True when base chains of this family see packets of the given IP version. */
  public boolean admits(boolean v6) {
    return this == INET || (this == IP6) == v6;
  }

  /** The nft keyword. */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }
}
