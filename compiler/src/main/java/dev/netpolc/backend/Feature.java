package dev.netpolc.backend;

/**
 * What a backend can express, as {@link Backend#capabilities()} declares it. The compiler can
 * compare a graph's needs with these and report an unsupported feature as a diagnostic rather
 * than drop it silently.
 *
 * <pre>{@code
 * if (!backend.capabilities().contains(Feature.PASS_ACTION)) { ... report, do not emit ... }
 * }</pre>
 */
public enum Feature {
  /** IPv4 peers and endpoints. */
  IPV4,
  /** IPv6 peers and endpoints. */
  IPV6,
  /** SCTP ports. */
  SCTP,
  /** Rules without ports that match every protocol, ICMP included. */
  ALL_PROTOCOLS,
  /** Port ranges ({@code endPort}). */
  PORT_RANGES,
  /** Named ports (resolved by the compiler to numbers per destination pod). */
  NAMED_PORTS,
  /** {@code Action.DENY} rules. */
  DENY_ACTION,
  /** {@code Action.PASS} rules. */
  PASS_ACTION,
  /** {@code Action.LOG} rules (log and continue), as the backend's own logging. */
  LOG_ACTION,
  /** Admin and Baseline tiers with priorities around NetworkPolicy. */
  TIERS,
  /** The {@code allowNodeToLocalPods = false} semantics (node traffic checked against policy). */
  NODE_TRAFFIC_POLICY,
  /** Per-rule packet counters ({@link BackendOptions#counters()}). */
  COUNTERS,
  /** Logging of dropped connections ({@link BackendOptions#logDrops()}). */
  DROP_LOGGING,
  /** Incremental updates ({@link Backend#delta}). */
  INCREMENTAL_DELTAS
}
