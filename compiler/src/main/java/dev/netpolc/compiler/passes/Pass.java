package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.RuleGraph;

/**
 * One optimisation of the rule graph. Contract, checked by the property tests: the result
 * decides every connection as the input does; it has no more rules, address-set CIDRs or port
 * ranges than the input; applying the pass twice equals applying it once.
 */
public interface Pass {
  /** The stable name used on the command line ({@code --disable-pass merge-rules}). */
  String name();

  /** One line saying what the pass does. */
  String description();

  /** The optimised graph. */
  RuleGraph apply(RuleGraph graph);
}
