package dev.netpolc.bench;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.build.GraphBuilder;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.GraphSize;
import dev.netpolc.compiler.lint.CompilerLintRules;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.passes.PassManager;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.LintReport;
import dev.netpolc.model.lint.Linter;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.validation.ValidationOptions;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The compiler's stages one by one, as {@code netpolc compile} chains them (read, validate,
 * resolve the selectors into a cluster index, build the literal rule graph, optimise, emit), so
 * that each can be timed alone. Stages fail loudly: a benchmark of a failing stage means nothing.
 */
final class Pipeline {
  private final CompileOptions options;

  /** A pipeline compiling for {@code node}, or for the whole cluster when empty. */
  Pipeline(Optional<String> node) {
    this.options = node.map(CompileOptions.DEFAULTS::withNode).orElse(CompileOptions.DEFAULTS);
  }

  Cluster read(List<Path> files) {
    ReadResult r = new PolicyReader().read(files);
    if (!r.errors().isEmpty()) {
      throw new IllegalStateException("read failed: " + r.errors().get(0));
    }
    return r.cluster();
  }

  /**
   * The acceptance gate, as every command asks it; answers the warnings of accepted input. A
   * fresh gate each time: the shared one remembers its last cluster, so a second check of the
   * same cluster would measure a lookup instead of the validation a command's first check does.
   */
  List<Diagnostic> validate(Cluster cluster) {
    AcceptanceGate.Verdict verdict = new AcceptanceGate(ValidationOptions.DEFAULT).check(cluster);
    if (!verdict.accepted()) {
      throw new IllegalStateException("invalid input: " + verdict.blocking().get(0));
    }
    return verdict.warnings();
  }

  /** What {@code netpolc lint} does on a read cluster: every rule, the compiler's included. */
  LintReport lint(Cluster cluster) {
    return new Linter(LintConfig.DEFAULT, CompilerLintRules.all(Optional.empty())).lint(cluster);
  }

  ClusterIndex resolve(Cluster cluster) {
    return new ClusterIndex(cluster, options.semantics());
  }

  RuleGraph build(Cluster cluster, ClusterIndex index) {
    return new GraphBuilder(cluster, index, options.semantics()).build(options.node());
  }

  RuleGraph optimise(RuleGraph literal) {
    return PassManager.of(options.passes()).run(literal).graph();
  }

  static Artifact emit(Backend backend, RuleGraph graph) throws BackendException {
    return backend.emit(graph, BackendOptions.DEFAULTS);
  }

  /**
   * What a node agent does on a full resync: its cluster state already in memory (read),
   * {@link Compiler#compile} for its node (which asks the acceptance gate first), then the
   * backend's emit.
   */
  Artifact compileInMemory(Cluster cluster, Backend backend) throws BackendException {
    return emit(backend, new Compiler().compile(cluster, options).graph());
  }

  /** Read, resolve and build: the part the Antrea controller figures compare with. */
  RuleGraph graph(List<Path> files) {
    Cluster c = read(files);
    return build(c, resolve(c));
  }

  /** What {@code netpolc compile} does, minus writing the file. */
  Artifact compile(List<Path> files, Backend backend) throws BackendException {
    Cluster c = read(files);
    validate(c);
    return emit(backend, optimise(build(c, resolve(c))));
  }

  static Map<String, Long> sizes(Cluster c) {
    Map<String, Long> out = new TreeMap<>();
    out.put("namespaces", (long) c.namespaces().size());
    out.put("pods", (long) c.pods().size());
    out.put("nodes", (long) c.nodes().size());
    out.put("policies", (long) c.policies().size());
    return out;
  }

  static Map<String, Long> sizes(RuleGraph g) {
    GraphSize s = g.size();
    Map<String, Long> out = new TreeMap<>();
    out.put("groups", (long) s.groups());
    out.put("rules", (long) s.rules());
    out.put("set_elements", (long) s.addressElements());
    out.put("address_sets", (long) s.addressSets());
    return out;
  }

  static Map<String, Long> sizes(Backend backend, Artifact a) throws BackendException {
    Map<String, Long> out = new TreeMap<>(backend.statistics(a));
    out.put("bytes", a.files().values().stream().mapToLong(f -> f.getBytes(java.nio.charset.StandardCharsets.UTF_8)
        .length).sum());
    return out;
  }
}
