package dev.netpolc.backend.nftables.sim;

/** A read-only traversal of the {@link Statement} kinds. */
public interface StatementVisitor<R> {
  /** Visits a match. */
  R visitMatch(MatchStatement s);

  /** Visits a verdict map lookup. */
  R visitVmap(VmapStatement s);

  /** Visits a counter. */
  R visitCounter(CounterStatement s);

  /** Visits a log statement. */
  R visitLog(LogStatement s);

  /** Visits a verdict. */
  R visitVerdict(VerdictStatement s);
}
