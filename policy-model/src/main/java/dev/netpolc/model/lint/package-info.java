/**
 * Lint: rules that find policies which are valid but probably wrong (a selector matching no pod,
 * DNS blocked by egress isolation, an empty rule that allows everyone). A
 * {@link dev.netpolc.model.lint.Linter} runs the API validation and the rules of
 * {@link dev.netpolc.model.lint.LintRules}, applies the {@link dev.netpolc.model.lint.LintConfig}
 * severities and inline {@code # netpolc: disable=ID} suppressions, and returns a sorted
 * {@link dev.netpolc.model.lint.LintReport}. Rule ids are stable and documented in
 * {@code docs/lint-rules.md}; rules that need the compiler live in {@code dev.netpolc.compiler.lint}.
 */
package dev.netpolc.model.lint;
