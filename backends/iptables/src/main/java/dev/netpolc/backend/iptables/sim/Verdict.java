package dev.netpolc.backend.iptables.sim;

/** The fate of a packet in the filter table. */
public enum Verdict {
  /** Passes the table. */
  ACCEPT,
  /** Silently dropped. */
  DROP,
  /** Dropped with an error reply. */
  REJECT
}
