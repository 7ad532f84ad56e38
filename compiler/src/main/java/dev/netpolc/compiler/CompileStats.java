package dev.netpolc.compiler;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.ir.GraphSize;
import dev.netpolc.compiler.passes.PassStats;
import java.util.List;

/**
 * Sizes before and after optimisation, and what each pass did.
 *
 * @param before     the literal translation's size
 * @param after      the final graph's size
 * @param buildNanos time to index the cluster and build the literal graph
 * @param passes     per pass, in run order
 */
public record CompileStats(GraphSize before, GraphSize after, long buildNanos, List<PassStats> passes) {
  public CompileStats {
    passes = ImmutableList.copyOf(passes);
  }

  /** These stats with every time zeroed: equal for equal inputs. */
  public CompileStats withoutTimings() {
    return new CompileStats(before, after, 0, passes.stream().map(PassStats::withoutTiming).toList());
  }

  /** A small table: one line for the build, one per pass, sizes and milliseconds. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-16s %8.1f ms  %s%n", "build", buildNanos / 1e6, before));
    for (PassStats p : passes) {
      sb.append(String.format("%-16s %8.1f ms  %s%n", p.pass(), p.nanos() / 1e6, p.after()));
    }
    return sb.toString();
  }
}
