/**
 * The netpolc policy model: Kubernetes NetworkPolicy and the cluster policy API read from YAML
 * with source positions, validated, linted, and generated for tests and benchmarks.
 */
@SuppressWarnings("requires-automatic")
module dev.netpolc.model {
  // Guava immutable collections appear in the records' public signatures.
  requires transitive com.google.common;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;
  // An automatic module (Automatic-Module-Name), hence the SuppressWarnings above.
  requires org.antlr.antlr4.runtime;

  exports dev.netpolc.model;
  exports dev.netpolc.model.calico;
  exports dev.netpolc.model.calico.selector;
  exports dev.netpolc.model.cilium;
  exports dev.netpolc.model.diagnostics;
  exports dev.netpolc.model.generate;
  exports dev.netpolc.model.lint;
  exports dev.netpolc.model.npa;
  exports dev.netpolc.model.selector;
  exports dev.netpolc.model.validation;
  exports dev.netpolc.model.yaml;
  // Not exported: dev.netpolc.model.selector.grammar and dev.netpolc.model.calico.selector.grammar
  // (ANTLR-generated, behind SelectorParser and CalicoSelector.parse).
}
