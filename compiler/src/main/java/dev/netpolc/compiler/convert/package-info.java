/**
 * {@code netpolc convert}: policy moved from one dialect to another, with a proof. A
 * {@link dev.netpolc.compiler.convert.Converter} turns the policies of a cluster into objects of a
 * {@link dev.netpolc.compiler.convert.ConvertTarget} (each with its
 * {@link dev.netpolc.compiler.convert.Provenance} and
 * {@link dev.netpolc.compiler.convert.Exactness}), writes them with
 * {@link dev.netpolc.compiler.convert.ConvertYaml}, reads the text back through the model's reader
 * and acceptance gate, and compares the two rule graphs with
 * {@link dev.netpolc.compiler.diff.PolicyDiff} over the same inventory. A conversion whose diff is
 * not empty is refused, or, when approximation is allowed, kept only if it never allows more.
 */
package dev.netpolc.compiler.convert;
