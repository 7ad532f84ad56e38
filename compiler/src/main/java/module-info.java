/**
 * The netpolc compiler: builds the rule graph (IR) from a policy model, optimises it, evaluates
 * and explains connections, and defines the backend SPI ({@code dev.netpolc.backend}) that the
 * backend modules provide.
 */
module dev.netpolc.compiler {
  requires transitive dev.netpolc.model;

  exports dev.netpolc.backend;
  exports dev.netpolc.compiler;
  exports dev.netpolc.compiler.build;
  exports dev.netpolc.compiler.convert;
  exports dev.netpolc.compiler.diff;
  exports dev.netpolc.compiler.explain;
  exports dev.netpolc.compiler.incremental;
  exports dev.netpolc.compiler.index;
  exports dev.netpolc.compiler.ir;
  exports dev.netpolc.compiler.lint;
  exports dev.netpolc.compiler.matrix;
  exports dev.netpolc.compiler.passes;
  exports dev.netpolc.compiler.reference;

  // Backends.find and Backends.all load the backends with ServiceLoader.
  uses dev.netpolc.backend.Backend;
}
