package dev.netpolc.bench;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.GeneratorSpec;
import dev.netpolc.model.generate.Preset;
import dev.netpolc.model.lint.LintReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Measures every stage of one preset in one JVM and prints the bench table (see {@code bench/run}
 * and BENCHMARKS.md). Order: generate and write the YAML; then the whole-pipeline stages
 * ({@code graph} = read + resolve + build, {@code compile-nftables}) while nothing else is held;
 * then each stage alone on the previous stage's output.
 *
 * <pre>
 * StageBench --preset NAME [--scale X] [--seed N] [--warmup N] [--runs N] [--json] [--header]
 *            [--artifact-dir DIR]
 * </pre>
 *
 * Presets compile for the whole cluster, except node-agent, which compiles for its focus node;
 * for it, {@code compile-node} measures what a node agent does with its cluster state already in
 * memory: {@code Compiler.compile} of the read and validated cluster for the node, then the
 * nftables emit (resolve, build, optimise and emit, without read or validate).
 * With {@code --artifact-dir}, the nftables artifact is written there (for the kernel row).
 */
public final class StageBench {
  private StageBench() {}

  /** Parsed arguments. */
  record Options(Preset preset, double scale, long seed, int warmup, int runs, boolean json, boolean header,
      Optional<Path> artifactDir) {}

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("StageBench: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (o.header() && !o.json()) {
      out.print(ResultTable.header());
    }
    run(o, r -> out.print(o.json() ? ResultTable.json(r) : ResultTable.text(r)));
  }

  static Options parse(String[] args) {
    Preset preset = null;
    double scale = 1.0;
    long seed = 1;
    int warmup = 2;
    int runs = 3;
    boolean json = false;
    boolean header = false;
    Optional<Path> artifactDir = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--json":
          json = true;
          break;
        case "--header":
          header = true;
          break;
        default:
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("unknown or incomplete option " + a);
          }
          String v = args[++i];
          try {
            switch (a) {
              case "--preset":
                String name = v;
                preset = Preset.byName(v).orElseThrow(() -> new IllegalArgumentException(
                    "unknown preset '" + name + "' (known: " + Preset.names() + ")"));
                break;
              case "--scale":
                scale = Double.parseDouble(v);
                break;
              case "--seed":
                seed = Long.parseLong(v);
                break;
              case "--warmup":
                warmup = Integer.parseInt(v);
                break;
              case "--runs":
                runs = Integer.parseInt(v);
                break;
              case "--artifact-dir":
                artifactDir = Optional.of(Path.of(v));
                break;
              default:
                throw new IllegalArgumentException("unknown option " + a);
            }
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(a + ": not a number: " + v);
          }
      }
    }
    if (preset == null) {
      throw new IllegalArgumentException("--preset is required (known: " + Preset.names() + ")");
    }
    if (warmup < 0 || runs < 1) {
      throw new IllegalArgumentException("need --warmup >= 0 and --runs >= 1");
    }
    return new Options(preset, scale, seed, warmup, runs, json, header, artifactDir);
  }

  /** Measures every stage of {@code o.preset()}, handing each row to {@code sink} as soon as it is known. */
  static void run(Options o, Consumer<StageResult> sink) throws Exception {
    GeneratorSpec spec = o.preset().spec(o.seed(), o.scale());
    String name = o.preset().cliName() + (o.scale() == 1.0 ? "" : "@" + o.scale());
    Optional<String> node = o.preset() == Preset.NODE_AGENT ? Optional.of(ClusterGenerator.FOCUS_NODE)
        : Optional.empty();
    Pipeline pipeline = new Pipeline(node);
    List<Backend> backends = Backends.load();
    Backend nft = Backends.find("nftables").orElseThrow(() -> new IllegalStateException("no nftables backend"));
    Path dir = Files.createTempDirectory("netpolc-bench-");
    try (StageMeasurer m = new StageMeasurer(o.warmup(), o.runs())) {
      // Generating and writing are measured once: they prepare the input, they are not the compiler.
      StageMeasurer once = new StageMeasurer(0, 1);
      StageMeasurer.Measured<Cluster> generated = once.measure(name, "generate", () -> ClusterGenerator.generate(spec));
      sink.accept(generated.result().withSizes(Pipeline.sizes(generated.value())));
      Cluster cluster = generated.value();
      StageMeasurer.Measured<List<Path>> written = once.measure(name, "write-yaml",
          () -> ClusterGenerator.writeFiles(cluster, dir));
      once.close();
      List<Path> files = written.value();
      long bytes = 0;
      for (Path f : files) {
        bytes += Files.size(f);
      }
      sink.accept(written.result().withSizes(Map.of("bytes", bytes)));

      StageMeasurer.Measured<RuleGraph> graph = m.measure(name, "graph", () -> pipeline.graph(files));
      sink.accept(graph.result().withSizes(Pipeline.sizes(graph.value())));
      graph = null;
      StageMeasurer.Measured<Artifact> compiled = m.measure(name, "compile-nftables",
          () -> pipeline.compile(files, nft));
      sink.accept(compiled.result().withSizes(Pipeline.sizes(nft, compiled.value())));
      if (o.artifactDir().isPresent()) {
        Files.createDirectories(o.artifactDir().get());
        for (Map.Entry<String, String> f : compiled.value().files().entrySet()) {
          Files.writeString(o.artifactDir().get().resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
        }
      }
      compiled = null;

      StageMeasurer.Measured<Cluster> read = m.measure(name, "read", () -> pipeline.read(files));
      sink.accept(read.result().withSizes(Pipeline.sizes(read.value())));
      Cluster c = read.value();
      sink.accept(m.measure(name, "validate", () -> pipeline.validate(c)).result());
      StageMeasurer.Measured<LintReport> lint = m.measure(name, "lint", () -> pipeline.lint(c));
      sink.accept(lint.result().withSizes(Map.of("findings", (long) lint.value().findings().size())));
      lint = null;
      if (node.isPresent()) {
        // The node agent's path: from the cluster in memory to the nftables ruleset for its node.
        StageMeasurer.Measured<Artifact> agent = m.measure(name, "compile-node",
            () -> pipeline.compileInMemory(c, nft));
        sink.accept(agent.result().withSizes(Pipeline.sizes(nft, agent.value())));
        agent = null;
      }
      StageMeasurer.Measured<ClusterIndex> index = m.measure(name, "resolve", () -> pipeline.resolve(c));
      sink.accept(index.result());
      StageMeasurer.Measured<RuleGraph> literal = m.measure(name, "build", () -> pipeline.build(c, index.value()));
      sink.accept(literal.result().withSizes(Pipeline.sizes(literal.value())));
      StageMeasurer.Measured<RuleGraph> optimised = m.measure(name, "optimise",
          () -> pipeline.optimise(literal.value()));
      sink.accept(optimised.result().withSizes(Pipeline.sizes(optimised.value())));
      RuleGraph g = optimised.value();
      for (Backend b : backends) {
        StageMeasurer.Measured<Artifact> a;
        try {
          a = m.measure(name, "emit-" + b.name(), () -> Pipeline.emit(b, g));
        } catch (BackendException e) {
          // A backend may refuse a graph by design (an eBPF map over its maximum): say so, go on.
          System.err.println("# " + name + " emit-" + b.name() + ": refused: " + e.getMessage());
          continue;
        }
        sink.accept(a.result().withSizes(Pipeline.sizes(b, a.value())));
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Runs {@code o} and returns every row, for tests. */
  static List<StageResult> collect(Options o) throws Exception {
    List<StageResult> rows = new ArrayList<>();
    run(o, rows::add);
    return rows;
  }
}
