package dev.netpolc.compiler.diff;

/** Which way a connection's decision changed between the old and the new policies. */
public enum Change {
  /** Denied by the old policies, allowed by the new ones. */
  NEWLY_ALLOWED,
  /** Allowed by the old policies, denied by the new ones. */
  NEWLY_DENIED
}
