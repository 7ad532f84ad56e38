package dev.netpolc.cli;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.ClusterShape;
import dev.netpolc.model.generate.GeneratorSpec;
import dev.netpolc.model.generate.Preset;
import dev.netpolc.model.generate.RealisticTiers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netpolc generate}: writes a synthetic cluster (inventory and policies) from a seed, either
 * a named preset or a realistic cluster of the given size. Same arguments, same bytes.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
        "Writes a synthetic cluster: namespaces, nodes, pods and NetworkPolicies, deterministic from the seed.",
        "Either --preset (antrea-large, antrea-dense, antrea-cluster-scoped, node-agent; see BENCHMARKS.md)",
        "or the size of a realistic cluster (--namespaces, --pods, --policies, --nodes).",
        "Pods get unique addresses in 10.0.0.0/8 (and fd00::/64), nodes in 192.168.0.0/16 (and fd01::/64)."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:cluster written",
        "2:bad arguments or unwritable output; nothing written",
        "3:internal error"})
public final class GenerateCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", paramLabel = "NAME", description = "A named cluster: ${COMPLETION-CANDIDATES}.",
      completionCandidates = PresetNames.class)
  String preset;

  @Option(names = "--scale", paramLabel = "X", description = "With --preset: this fraction of its size, 0 < X <= 1 "
      + "(default: 1).")
  Double scale;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of every choice (default: "
      + "${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--namespaces", paramLabel = "N", description = "Namespaces of a realistic cluster (default: 10).")
  Integer namespaces;

  @Option(names = "--pods", paramLabel = "N", description = "Pods of a realistic cluster (default: 200).")
  Integer pods;

  @Option(names = "--policies", paramLabel = "N", description = "Policies of a realistic cluster (default: 50).")
  Integer policies;

  @Option(names = "--nodes", paramLabel = "N", description = "Nodes of a realistic cluster (default: 5).")
  Integer nodes;

  @Option(names = "--node-pods", paramLabel = "N", description = "Put exactly N pods on node-0, the rest on "
      + "the other nodes (default: pods spread at random).")
  Integer nodePods;

  @Option(names = "--ipv4-only", description = "Give pods and nodes IPv4 addresses only (default: dual-stack).")
  boolean ipv4Only;

  @Option(names = "--tiers", description = "Add a platform team's cluster-scoped policies (Admin guard-rails, "
      + "Baseline defaults; see RealisticTiers) to the cluster.")
  boolean tiers;

  @Option(names = "--output", paramLabel = "DIR|-", defaultValue = "-", description = "Write "
      + ClusterGenerator.INVENTORY_FILE + " and " + ClusterGenerator.POLICIES_FILE
      + " into DIR, or one stream to stdout with - (default).")
  String output;

  /** The preset names, for help and completion. */
  static final class PresetNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(Preset.values()).map(Preset::cliName).iterator();
    }
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Optional<GeneratorSpec> s = spec(err);
    if (s.isEmpty()) {
      return Main.EXIT_USAGE;
    }
    Cluster cluster = ClusterGenerator.generate(s.get());
    if (tiers) {
      cluster = RealisticTiers.addTo(cluster);
    }
    if (output.equals("-")) {
      PrintWriter out = spec.commandLine().getOut();
      try {
        ClusterGenerator.writeYaml(cluster, out);
      } catch (IOException e) {
        err.println("netpolc: cannot write to stdout: " + e.getMessage());
        return Main.EXIT_USAGE;
      }
      out.flush();
      return Main.EXIT_OK;
    }
    try {
      ClusterGenerator.writeFiles(cluster, Path.of(output));
    } catch (IOException | RuntimeException e) {
      err.println("netpolc: cannot write to " + output + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    return Main.EXIT_OK;
  }

  /** The spec the arguments ask for, or empty after printing why there is none. */
  private Optional<GeneratorSpec> spec(PrintWriter err) {
    try {
      if (preset != null) {
        if (namespaces != null || pods != null || policies != null || nodes != null || nodePods != null || ipv4Only) {
          err.println("netpolc: --preset fixes the size and addresses; leave out --namespaces, --pods, --policies, "
              + "--nodes, --node-pods and --ipv4-only");
          return Optional.empty();
        }
        Optional<Preset> p = Preset.byName(preset);
        if (p.isEmpty()) {
          err.println("netpolc: --preset: unknown preset '" + preset + "' (known: " + Preset.names() + ")");
          return Optional.empty();
        }
        return Optional.of(p.get().spec(seed, scale == null ? 1.0 : scale));
      }
      if (scale != null) {
        err.println("netpolc: --scale needs --preset");
        return Optional.empty();
      }
      int n = pods == null ? 200 : pods;
      return Optional.of(new GeneratorSpec(ClusterShape.REALISTIC, seed, namespaces == null ? 10 : namespaces, n,
          policies == null ? 50 : policies, nodes == null ? 5 : nodes, nodePods == null ? 0 : nodePods, !ipv4Only));
    } catch (IllegalArgumentException e) {
      err.println("netpolc: " + e.getMessage());
      return Optional.empty();
    }
  }
}
