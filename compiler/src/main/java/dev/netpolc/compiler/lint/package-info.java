/**
 * Lint rules that need the compiler: rule containment (NP203) and redundant policies (NP204),
 * both read off the literal rule graph ({@code -O0}), and what a backend cannot express
 * (NP209). {@link dev.netpolc.compiler.lint.CompilerLintRules#all()} is the full catalogue.
 *
 * <pre>{@code
 * LintReport r = new Linter(LintConfig.DEFAULT, CompilerLintRules.all(Backends.find("nftables"))).lint(cluster);
 * }</pre>
 */
package dev.netpolc.compiler.lint;
