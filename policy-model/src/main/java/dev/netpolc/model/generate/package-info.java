/**
 * Deterministic synthetic clusters for scale tests and benchmarks: {@link
 * dev.netpolc.model.generate.ClusterGenerator} turns a {@link dev.netpolc.model.generate.GeneratorSpec}
 * (or a {@link dev.netpolc.model.generate.Preset}) into a model and YAML. Pod addresses are unique,
 * in {@code 10.0.0.0/8} and {@code fd00::/64}; node addresses in {@code 192.168.0.0/16} and
 * {@code fd01::/64}.
 */
package dev.netpolc.model.generate;
