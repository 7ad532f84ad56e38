/**
 * The intermediate representation: a {@link dev.netpolc.compiler.ir.RuleGraph} of
 * {@link dev.netpolc.compiler.ir.EndpointGroup}s and their {@link dev.netpolc.compiler.ir.Rule}s per
 * {@link dev.netpolc.compiler.ir.Direction} and {@link dev.netpolc.compiler.ir.Tier}, over canonical
 * {@link dev.netpolc.compiler.ir.AddressSet}s and {@link dev.netpolc.compiler.ir.PortSet}s. Every
 * type is immutable. Backends read only this package (and the backend SPI);
 * {@link dev.netpolc.compiler.ir.RuleGraphEvaluator} decides connections from a graph alone, so the
 * passes and backends can be checked against the reference evaluator.
 */
package dev.netpolc.compiler.ir;
