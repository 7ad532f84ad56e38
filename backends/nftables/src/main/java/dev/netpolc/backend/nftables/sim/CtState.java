package dev.netpolc.backend.nftables.sim;

import java.util.Locale;
import java.util.Optional;

/** Conntrack states with the bit values nft uses for {@code ct state}. */
public enum CtState {
  INVALID(1),
  ESTABLISHED(2),
  RELATED(4),
  NEW(8),
  UNTRACKED(64);

  private final int bit;

  CtState(int bit) {
    this.bit = bit;
  }

  /** The state's bit in the {@code ct_state} bitmask. */
  public int bit() {
    return bit;
  }

  /** The nft keyword. */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state named by an nft keyword, if any. */
  public static Optional<CtState> ofKeyword(String keyword) {
    for (CtState s : values()) {
      if (s.keyword().equals(keyword)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
