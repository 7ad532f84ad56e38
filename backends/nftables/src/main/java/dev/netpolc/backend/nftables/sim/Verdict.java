package dev.netpolc.backend.nftables.sim;

/** The final fate of a packet at a hook. */
public enum Verdict {
  /** Every base chain at the hook accepted it (by rule or by policy). */
  ACCEPT,
  /** Some base chain dropped it (by rule or by policy). */
  DROP,
  /** Some base chain rejected it; the packet is gone as with drop. */
  REJECT
}
