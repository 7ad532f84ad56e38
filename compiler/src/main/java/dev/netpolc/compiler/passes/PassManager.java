package dev.netpolc.compiler.passes;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.ir.GraphSize;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a selection of passes in order and records, per pass, the time taken and the graph size
 * before and after. Immutable: {@link #enable} and {@link #disable} return new managers; enabled
 * passes always run in {@link Passes#DEFAULT_ORDER}.
 */
public final class PassManager {
  private final ImmutableList<Pass> passes;

  private PassManager(List<Pass> passes) {
    this.passes = ImmutableList.copyOf(passes);
  }

  /** Every pass in default order. */
  public static PassManager defaults() {
    return new PassManager(Passes.DEFAULT_ORDER);
  }

  /** No pass at all ({@code -O0}). */
  public static PassManager none() {
    return new PassManager(List.of());
  }

  /** Exactly the named passes, in default order; throws on an unknown name. */
  public static PassManager of(List<String> names) {
    for (String n : names) {
      requireKnown(n);
    }
    List<Pass> out = new ArrayList<>();
    for (Pass p : Passes.DEFAULT_ORDER) {
      if (names.contains(p.name())) {
        out.add(p);
      }
    }
    return new PassManager(out);
  }

  /** These passes plus {@code name}. */
  public PassManager enable(String name) {
    List<String> names = new ArrayList<>(names());
    names.add(requireKnown(name).name());
    return of(names);
  }

  /** These passes without {@code name}. */
  public PassManager disable(String name) {
    requireKnown(name);
    List<String> names = new ArrayList<>(names());
    names.remove(name);
    return of(names);
  }

  /** The passes that will run, in order. */
  public ImmutableList<Pass> passes() {
    return passes;
  }

  /** Their names, in order. */
  public ImmutableList<String> names() {
    return passes.stream().map(Pass::name).collect(ImmutableList.toImmutableList());
  }

  /** The result of running the passes. */
  public record Result(RuleGraph graph, ImmutableList<PassStats> stats) {}

  /** Runs every pass in order. */
  public Result run(RuleGraph graph) {
    ImmutableList.Builder<PassStats> stats = ImmutableList.builder();
    RuleGraph g = graph;
    GraphSize size = g.size();
    for (Pass p : passes) {
      long t0 = System.nanoTime();
      RuleGraph next = p.apply(g);
      long nanos = System.nanoTime() - t0;
      GraphSize after = next.size();
      stats.add(new PassStats(p.name(), size, after, nanos));
      g = next;
      size = after;
    }
    return new Result(g, stats.build());
  }

  private static Pass requireKnown(String name) {
    return Passes.byName(name).orElseThrow(() -> new IllegalArgumentException(
        "unknown pass \"" + name + "\"; known passes: " + String.join(", ", Passes.names())));
  }
}
