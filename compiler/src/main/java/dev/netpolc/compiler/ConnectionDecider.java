package dev.netpolc.compiler;

/**
 * Anything that decides whether a new connection is allowed: the reference evaluator, the rule
 * graph evaluator, and every backend's simulator. Tests compare deciders with each other.
 */
@FunctionalInterface
public interface ConnectionDecider {
  /** True when a new connection {@code c} is allowed. */
  boolean allows(Connection c);
}
