package dev.netpolc.compiler.lint;

import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.BaseRule;

/** The compiler's lint rules: the model's rule base plus helpers of their own. */
abstract class CompilerRule extends BaseRule {

  CompilerRule(String id, Severity severity, String summary, boolean needsInventory) {
    super(id, severity, summary, needsInventory);
  }
}
