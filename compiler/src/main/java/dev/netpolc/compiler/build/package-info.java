/**
 * The literal translation of a cluster into a rule graph ({@link dev.netpolc.compiler.build.GraphBuilder},
 * what {@code -O0} emits), before any optimisation pass;
 * {@link dev.netpolc.compiler.build.CompileException} reports input it cannot translate with file,
 * line, column and field path.
 */
package dev.netpolc.compiler.build;
