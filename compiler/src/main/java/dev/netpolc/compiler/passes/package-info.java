/**
 * Optimisation passes over the rule graph. Each {@link dev.netpolc.compiler.passes.Pass} keeps
 * every connection's decision and never grows the graph (the property tests check both);
 * {@link dev.netpolc.compiler.passes.PassManager} runs a selection of
 * {@link dev.netpolc.compiler.passes.Passes} in order and records a
 * {@link dev.netpolc.compiler.passes.PassStats} for each.
 */
package dev.netpolc.compiler.passes;
