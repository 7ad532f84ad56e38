package dev.netpolc.backend.nftables.sim;

import java.util.Locale;
import java.util.Optional;

/** The netfilter IP hooks a base chain can attach to. */
public enum Hook {
  PREROUTING,
  INPUT,
  FORWARD,
  OUTPUT,
  POSTROUTING;

  /** The nft keyword. */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The hook named by an nft keyword, if any. */
  public static Optional<Hook> ofKeyword(String keyword) {
    for (Hook h : values()) {
      if (h.keyword().equals(keyword)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }
}
