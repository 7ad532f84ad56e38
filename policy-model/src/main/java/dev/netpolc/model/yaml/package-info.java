/**
 * YAML in and out: {@link dev.netpolc.model.yaml.PolicyReader} reads Kubernetes objects from files
 * or directories into a {@link dev.netpolc.model.yaml.ReadResult} (a file that fails contributes
 * nothing and is reported with a {@link dev.netpolc.model.yaml.ReaderRule} id), within the
 * {@link dev.netpolc.model.yaml.ReaderLimits} that keep hostile input from exhausting memory or
 * time; {@link dev.netpolc.model.yaml.PolicyWriter} writes model objects back as deterministic
 * Kubernetes YAML.
 */
package dev.netpolc.model.yaml;
