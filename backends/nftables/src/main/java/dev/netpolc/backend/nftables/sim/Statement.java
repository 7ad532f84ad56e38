package dev.netpolc.backend.nftables.sim;

/**
 * One statement of a rule: a match, a verdict map lookup, a counter, a log, or a verdict.
 * Traverse with {@link StatementVisitor}.
 */
public sealed interface Statement
    permits MatchStatement, VmapStatement, CounterStatement, LogStatement, VerdictStatement {

  /** Dispatches to the visitor method for this kind of statement. */
  <R> R accept(StatementVisitor<R> visitor);
}
