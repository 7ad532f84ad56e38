/**
 * Findings about the input as plain data: a {@link dev.netpolc.model.diagnostics.Diagnostic} has a
 * stable rule id, a {@link dev.netpolc.model.diagnostics.Severity}, a position, a field path and a
 * message. Validation, the reader and lint all report them; the formatters (text, JSON, SARIF,
 * GitHub) only render them.
 */
package dev.netpolc.model.diagnostics;
