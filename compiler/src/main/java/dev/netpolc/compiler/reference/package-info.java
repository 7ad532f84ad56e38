/**
 * The executable specification: {@link dev.netpolc.compiler.reference.ReferenceEvaluator} decides a
 * connection straight from the model as SEMANTICS.md and SEMANTICS-TIERS.md define it, written for
 * clarity rather than speed, and explains the decision
 * ({@link dev.netpolc.compiler.reference.Explanation}, per direction a
 * {@link dev.netpolc.compiler.reference.DirectionVerdict}). Everything else is tested against it.
 */
package dev.netpolc.compiler.reference;
