package dev.netpolc.backend.iptables.sim;

import java.util.Optional;

/**
 * What a matching rule does.
 *
 * @param kind  the kind
 * @param chain the chain of a jump or goto
 */
public record Target(Kind kind, Optional<String> chain) {

  /** Target kinds. */
  public enum Kind {
    /** Accept: leaves the table. */
    ACCEPT,
    /** Drop: final. */
    DROP,
    /** Reject: final. */
    REJECT,
    /** Back to the calling chain (the policy in a built-in chain). */
    RETURN,
    /** Log and continue. */
    LOG,
    /** Call a user chain. */
    JUMP,
    /** Continue in a user chain without coming back here. */
    GOTO,
    /** No target: only counts. */
    NONE
  }

  /** A target without a chain. */
  public static Target of(Kind kind) {
    return new Target(kind, Optional.empty());
  }
}
