package dev.netpolc.compiler.ir;

/** What a matching rule does. Within a tier the first matching rule decides. */
public enum Action {
  /** Accept the connection; no later tier is consulted. */
  ALLOW,
  /** Drop the connection; no later tier is consulted. */
  DENY,
  /** Skip the rest of this tier and continue with the next one. */
  PASS
}
