package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.GraphSize;

/**
 * What one pass did.
 *
 * @param pass   the pass name
 * @param before graph size before it ran
 * @param after  graph size after it ran
 * @param nanos  wall time it took
 */
public record PassStats(String pass, GraphSize before, GraphSize after, long nanos) {
  /** These stats with the time zeroed, for comparing runs. */
  public PassStats withoutTiming() {
    return new PassStats(pass, before, after, 0);
  }
}
