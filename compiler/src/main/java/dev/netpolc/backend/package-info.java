/**
 * The backend SPI: a {@link dev.netpolc.backend.Backend} turns a
 * {@link dev.netpolc.compiler.ir.RuleGraph} into an {@link dev.netpolc.backend.Artifact} (the
 * files a node applies) and reads an artifact back into a simulator, so every backend can be
 * checked against the reference evaluator without a kernel ({@link dev.netpolc.backend.Verifier}).
 * Backends live in their own modules and are found with {@link java.util.ServiceLoader} through
 * {@link dev.netpolc.backend.Backends}; they depend only on this package and the IR.
 */
package dev.netpolc.backend;
