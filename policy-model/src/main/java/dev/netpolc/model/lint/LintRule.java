package dev.netpolc.model.lint;

import dev.netpolc.model.diagnostics.Severity;

/**
 * One lint check with its metadata: a stable id (never reused), a default severity, a one-line
 * summary, and whether it needs the inventory (Namespace/Pod objects) to run. Each rule is one
 * class named after the problem it finds and documented in {@code docs/lint-rules.md}.
 */
public interface LintRule {
  /** The stable id, such as {@code NP206}. */
  String id();

  /** The severity of its findings unless configured otherwise. */
  Severity defaultSeverity();

  /** One line saying what the rule finds. */
  String summary();

  /** True when the rule can only run with Namespace or Pod objects in the input. */
  boolean needsInventory();

  /** Reports every finding of this rule about {@code context} to {@code sink}. */
  void check(LintContext context, LintSink sink);
}
