package dev.netpolc.backend.iptables;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Shared inputs of the emitter tests: the demo cluster, compile and emit helpers. */
final class Fixtures {
  private Fixtures() {}

  /** The repository root: NETPOLC_TEST_ROOT, or the first parent with examples/demo. */
  static Path root() {
    String env = System.getenv("NETPOLC_TEST_ROOT");
    if (env != null && Files.isDirectory(Path.of(env, "examples", "demo"))) {
      return Path.of(env);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("examples").resolve("demo"))) {
        return p;
      }
    }
    throw new UncheckedIOException(new java.io.FileNotFoundException("examples/demo not found above "
        + Path.of("").toAbsolutePath()));
  }

  /** examples/demo, read. */
  static Cluster demo() {
    ReadResult r = new PolicyReader().read(List.of(root().resolve("examples").resolve("demo")));
    if (!r.ok()) {
      throw new AssertionError("examples/demo does not read: " + r.errors());
    }
    return r.cluster();
  }

  /** A cluster of {@code src/test/resources/<dir>}, read. */
  static Cluster read(String dir) {
    ReadResult r = new PolicyReader().read(List.of(root().resolve("backends").resolve("iptables")
        .resolve("src").resolve("test").resolve("resources").resolve(dir)));
    if (!r.ok()) {
      throw new AssertionError(dir + " does not read: " + r.errors());
    }
    return r.cluster();
  }

  static RuleGraph compile(Cluster c, CompileOptions options) {
    return new Compiler().compile(c, options).graph();
  }

  static Artifact emit(RuleGraph g, BackendOptions options) {
    try {
      return new IptablesBackend().emit(g, options);
    } catch (BackendException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
