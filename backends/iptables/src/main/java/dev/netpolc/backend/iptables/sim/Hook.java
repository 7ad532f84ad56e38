package dev.netpolc.backend.iptables.sim;

/** The built-in chains of the filter table. */
public enum Hook {
  /** Locally delivered. */
  INPUT,
  /** Routed or bridged through the node. */
  FORWARD,
  /** Locally generated. */
  OUTPUT
}
