package dev.netpolc.compiler.lint;

import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintRule;

/** Metadata shared by the compiler's lint rules. */
abstract class CompilerRule implements LintRule {
  private final String id;
  private final Severity severity;
  private final String summary;
  private final boolean needsInventory;

  CompilerRule(String id, Severity severity, String summary, boolean needsInventory) {
    this.id = id;
    this.severity = severity;
    this.summary = summary;
    this.needsInventory = needsInventory;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final Severity defaultSeverity() {
    return severity;
  }

  @Override
  public final String summary() {
    return summary;
  }

  @Override
  public final boolean needsInventory() {
    return needsInventory;
  }

  /** Up to three names, then how many more. */
  static String sample(java.util.List<String> names) {
    int shown = Math.min(3, names.size());
    String head = String.join(", ", names.subList(0, shown));
    return names.size() > shown ? head + " and " + (names.size() - shown) + " more" : head;
  }
}
