package dev.netpolc.backend.ebpf;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Shared inputs of the eBPF tests: the demo cluster, the tiny example, compile and emit helpers. */
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
    return read(root().resolve("examples").resolve("demo"));
  }

  /** src/test/resources/tiny: two namespaces, four pods, two policies. */
  static Cluster tiny() {
    return read(Path.of("src", "test", "resources", "tiny"));
  }

  private static Cluster read(Path p) {
    ReadResult r = new PolicyReader().read(List.of(p));
    if (!r.ok()) {
      throw new AssertionError(p + " does not read: " + r.errors());
    }
    return r.cluster();
  }

  static CompileOptions options(SemanticsOptions sem, Optional<String> node) {
    CompileOptions o = CompileOptions.DEFAULTS.withSemantics(sem);
    return node.map(o::withNode).orElse(o);
  }

  static RuleGraph compile(Cluster c, CompileOptions options) {
    return new Compiler().compile(c, options).graph();
  }

  static Artifact emit(RuleGraph g, BackendOptions options) {
    try {
      return new EbpfBackend().emit(g, options);
    } catch (BackendException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static EbpfMaps maps(RuleGraph g) {
    try {
      return new EbpfBackend().maps(g, BackendOptions.DEFAULTS);
    } catch (BackendException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
