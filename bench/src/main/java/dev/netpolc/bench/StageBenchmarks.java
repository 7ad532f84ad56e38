package dev.netpolc.bench;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.Preset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of each compiler stage on a generated preset, every stage fed the previous
 * stage's output prepared in setup. Run with
 * {@code java -jar bench/target/netpolc-bench.jar StageBenchmarks -p preset=antrea-dense -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class StageBenchmarks {

  /** Preset name, see {@link Preset}. */
  @Param({"antrea-dense"})
  public String preset;

  /** Scale factor of the preset. */
  @Param({"1.0"})
  public double scale;

  /** Backend of {@link #emit}. */
  @Param({"nftables"})
  public String backend;

  private Path dir;
  private List<Path> files;
  private Pipeline pipeline;
  private Cluster cluster;
  private ClusterIndex index;
  private RuleGraph literal;
  private RuleGraph optimised;
  private Backend emitter;

  @Setup(Level.Trial)
  public void prepare() throws IOException {
    Preset p = Preset.byName(preset).orElseThrow(() -> new IllegalArgumentException("unknown preset " + preset));
    Cluster generated = ClusterGenerator.generate(p.spec(1, scale));
    dir = Files.createTempDirectory("netpolc-jmh-");
    files = ClusterGenerator.writeFiles(generated, dir);
    pipeline = new Pipeline(p == Preset.NODE_AGENT ? Optional.of(ClusterGenerator.FOCUS_NODE) : Optional.empty());
    cluster = pipeline.read(files);
    index = pipeline.resolve(cluster);
    literal = pipeline.build(cluster, index);
    optimised = pipeline.optimise(literal);
    emitter = Backends.find(backend).orElseThrow(() -> new IllegalArgumentException("unknown backend " + backend));
  }

  @TearDown(Level.Trial)
  public void cleanUp() throws IOException {
    for (Path f : files) {
      Files.deleteIfExists(f);
    }
    Files.deleteIfExists(dir);
  }

  @Benchmark
  public Cluster read() {
    return pipeline.read(files);
  }

  @Benchmark
  public List<Diagnostic> validate() {
    return pipeline.validate(cluster);
  }

  @Benchmark
  public ClusterIndex resolve() {
    return pipeline.resolve(cluster);
  }

  @Benchmark
  public RuleGraph build() {
    return pipeline.build(cluster, index);
  }

  @Benchmark
  public RuleGraph optimise() {
    return pipeline.optimise(literal);
  }

  @Benchmark
  public Artifact emit() throws BackendException {
    return Pipeline.emit(emitter, optimised);
  }
}
