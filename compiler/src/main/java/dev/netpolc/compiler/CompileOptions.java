package dev.netpolc.compiler;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.passes.PassManager;
import dev.netpolc.compiler.passes.Passes;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to compile.
 *
 * @param node      compile for one node: only its pods are endpoints (every pod stays a
 *                  possible peer); empty for the whole cluster
 * @param semantics the semantics options
 * @param passes    the names of the passes to run (always run in default order; empty = -O0)
 */
public record CompileOptions(Optional<String> node, SemanticsOptions semantics, List<String> passes) {

  /** Whole cluster, default semantics, every pass. */
  public static final CompileOptions DEFAULTS =
      new CompileOptions(Optional.empty(), SemanticsOptions.DEFAULTS, Passes.names());

  public CompileOptions {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(semantics, "semantics");
    passes = PassManager.of(passes).names(); // validates names and fixes the order
  }

  /** These options for one node. */
  public CompileOptions withNode(String nodeName) {
    return new CompileOptions(Optional.of(nodeName), semantics, passes);
  }

  /** These options with other semantics. */
  public CompileOptions withSemantics(SemanticsOptions s) {
    return new CompileOptions(node, s, passes);
  }

  /** These options with exactly these passes. */
  public CompileOptions withPasses(List<String> names) {
    return new CompileOptions(node, semantics, names);
  }

  /** These options without any pass ({@code -O0}). */
  public CompileOptions withoutPasses() {
    return withPasses(ImmutableList.of());
  }

  /** These options with pass {@code name} enabled. */
  public CompileOptions enable(String name) {
    return withPasses(PassManager.of(passes).enable(name).names());
  }

  /** These options with pass {@code name} disabled. */
  public CompileOptions disable(String name) {
    return withPasses(PassManager.of(passes).disable(name).names());
  }
}
