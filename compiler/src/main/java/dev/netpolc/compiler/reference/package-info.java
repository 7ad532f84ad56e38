/**
 * The executable specification: {@link dev.netpolc.compiler.reference.ReferenceEvaluator} decides a
 * connection straight from the model as SEMANTICS.md and SEMANTICS-TIERS.md define it, written for
 * clarity rather than speed, and explains the decision
 * ({@link dev.netpolc.compiler.reference.Explanation}, per direction a
 * {@link dev.netpolc.compiler.reference.DirectionVerdict}). Everything else is tested against it.
 * A cluster with Calico objects is decided in the {@code calico} profile of SEMANTICS-CALICO.md:
 * per direction the Calico tiers that took part
 * ({@link dev.netpolc.compiler.reference.CalicoTierStep}) and the rule that decided
 * ({@link dev.netpolc.compiler.reference.CalicoRuleMatch}).
 */
package dev.netpolc.compiler.reference;
