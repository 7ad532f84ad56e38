package dev.netpolc.compiler.ir;

/**
 * What a matching rule does. Within a tier the first matching rule that is not {@link #LOG}
 * decides; a {@link #LOG} rule records the connection and evaluation continues with the next rule.
 */
public enum Action {
  /** Accept the connection; no later tier is consulted. */
  ALLOW,
  /** Drop the connection; no later tier is consulted. */
  DENY,
  /** Skip the rest of this tier and continue with the next one. */
  PASS,
  /**
   * Log the connection and continue with the next rule (Calico's {@code Log}): never a verdict,
   * never the end of a tier. A LOG rule logs only when evaluation reaches it, so one after a
   * matching ALLOW, DENY or PASS of its tier (or after an earlier tier decided) does not log.
   */
  LOG;

  /** True for ALLOW, DENY and PASS: a match ends the tier (and, but for PASS, the evaluation). */
  public boolean terminates() {
    return this != LOG;
  }
}
