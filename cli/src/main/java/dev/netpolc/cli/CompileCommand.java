package dev.netpolc.cli;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netpolc compile --backend nftables [--node NAME] PATH...}: compiles Namespace, Pod, Node
 * and NetworkPolicy objects into a backend's artifact. Fails closed: invalid input, an unknown
 * node or a backend error exit 2 with the reasons and write nothing. What counts as invalid is
 * the {@link dev.netpolc.model.validation.AcceptanceGate}'s decision, as for every command.
 */
@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = {
        "Compiles policies and inventory into a backend artifact (for nftables: one nft -f script).",
        "With --node, only that node's pods are protected (what an agent on that node applies)."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:artifact written",
        "2:unusable input (unreadable, invalid, unknown node) or bad arguments; nothing written",
        "3:internal error"})
public final class CompileCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  SemanticsMixin semantics;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "YAML/JSON files or directories; - for stdin.")
  List<String> paths = new ArrayList<>();

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "nftables",
      description = "The backend (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--node", paramLabel = "NAME", description = "Compile for this node only.")
  String node;

  @Option(names = "--table", paramLabel = "NAME", defaultValue = "netpolc",
      description = "The table the artifact owns and replaces (default: ${DEFAULT-VALUE}).")
  String table;

  @Option(names = "--counters", description = "Put a packet counter on every rule.")
  boolean counters;

  @Option(names = "--log-drops", description = "Log every dropped new connection before dropping it.")
  boolean logDrops;

  @Option(names = "--backend-option", paramLabel = "KEY=VALUE",
      description = "A backend-specific option, repeatable (nftables: priority, conntrack; iptables: maxIpsets=N, markMask=0xMASK; ebpf: pinDir, maxEntries.<map>).")
  List<String> backendOptions = new ArrayList<>();

  @Option(names = "--output", paramLabel = "DIR|-", defaultValue = "-",
      description = "Write the artifact's files into DIR, or the main file to stdout with - (default).")
  String output;

  @Option(names = "--stats", description = "Print compile and artifact statistics to stderr.")
  boolean stats;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Backend b = backend(spec, backend);
    Optional<Cluster> cluster = InputLoader.loadAccepted(paths, err,
        "netpolc: the input is invalid; nothing was written (run 'netpolc lint' for details)");
    if (cluster.isEmpty()) {
      return Main.EXIT_USAGE;
    }
    if (node != null && !knownNode(cluster.get(), node)) {
      err.println("netpolc: unknown node '" + node + "' (known: " + String.join(", ", nodeNames(cluster.get())) + ")");
      return Main.EXIT_USAGE;
    }
    CompileOptions base = CompileOptions.DEFAULTS.withSemantics(semantics.options());
    CompileOptions options = node == null ? base : base.withNode(node);
    BackendOptions backendOpts = BackendOptions.DEFAULTS.withTableName(table).withCounters(counters)
        .withLogDrops(logDrops);
    for (String kv : backendOptions) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--backend-option: expected KEY=VALUE, got '" + kv.replaceAll("[^\\x20-\\x7e]", "?") + "'");
      }
      backendOpts = backendOpts.with(kv.substring(0, eq), kv.substring(eq + 1));
    }
    CompileResult compiled;
    Artifact artifact;
    try {
      compiled = new Compiler().compile(cluster.get(), options);
      artifact = b.emit(compiled.graph(), backendOpts);
    } catch (CompileException | BackendException e) {
      err.println("netpolc: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    if (output.equals("-")) {
      out.print(artifact.primary());
      out.flush();
    } else {
      try {
        write(Path.of(output), artifact);
      } catch (IOException | RuntimeException e) {
        err.println("netpolc: cannot write to " + output + ": " + e.getMessage());
        return Main.EXIT_USAGE;
      }
    }
    for (String w : b.warnings(artifact)) {
      err.println("netpolc: warning: " + w);
    }
    if (stats) {
      err.print(compiled.stats());
      try {
        SortedMap<String, Long> counts = b.statistics(artifact);
        err.println(b.name() + ": " + counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" ")));
      } catch (BackendException e) {
        err.println("netpolc: " + e.getMessage());
        return Main.EXIT_INTERNAL;
      }
    }
    err.flush();
    return Main.EXIT_OK;
  }

  /** Writes every file through a temporary file and a rename, so no half-written file is left. */
  private static void write(Path dir, Artifact artifact) throws IOException {
    Files.createDirectories(dir);
    List<Path> temps = new ArrayList<>();
    try {
      for (Map.Entry<String, String> f : artifact.files().entrySet()) {
        Path tmp = Files.createTempFile(dir, "." + f.getKey() + ".", ".tmp");
        temps.add(tmp);
        Files.writeString(tmp, f.getValue(), StandardCharsets.UTF_8);
      }
      int i = 0;
      for (String name : artifact.files().keySet()) {
        Files.move(temps.get(i++), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
  }

  /** The backend named {@code name}, or a usage error listing the known ones. */
  static Backend backend(CommandLine.Model.CommandSpec spec, String name) {
    return Backends.find(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
        "--backend: unknown backend '" + name + "' (known: " + Backends.names() + ")"));
  }

  /** True when a Node object or a pod's spec.nodeName names {@code name}. */
  static boolean knownNode(Cluster cluster, String name) {
    return nodeNames(cluster).contains(name);
  }

  private static List<String> nodeNames(Cluster cluster) {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    cluster.nodes().stream().map(Node::name).forEach(names::add);
    cluster.pods().stream().map(Pod::nodeName).filter(java.util.Objects::nonNull).forEach(names::add);
    return new ArrayList<>(names);
  }
}
