package dev.netpolc.cli;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.Disagreement;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.VerificationProbes;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.model.Cluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netpolc verify --backend nftables [--node NAME] RULESET PATH...}: reads a ruleset (as
 * emitted, or as the kernel lists it back), simulates it and compares every verification probe
 * with the reference evaluator (restricted to the node's own checks with {@code --node}).
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
        "Checks that a ruleset (e.g. a saved 'nft list table inet netpolc') enforces the policies: simulates it",
        "and compares it with the reference evaluator over every pod pair, port and sampled outside address."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:the ruleset agrees with the policies",
        "1:disagreements found (the first are listed)",
        "2:unusable input (unreadable or unparsable ruleset, invalid policies, unknown node), bad arguments,",
        "  or more connections to check than --max-probes",
        "3:internal error"})
public final class VerifyCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  SemanticsMixin semantics;

  @Parameters(index = "0", paramLabel = "RULESET",
      description = "The ruleset file to check, or a directory of the backend's files (e.g. iptables).")
  String ruleset;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH",
      description = "YAML/JSON files or directories with the policies and inventory; - for stdin.")
  List<String> paths = new ArrayList<>();

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "nftables",
      description = "The backend whose language RULESET is in (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--node", paramLabel = "NAME",
      description = "The node the ruleset is for (default: a cluster-wide ruleset).")
  String node;

  @Option(names = "--max-listed", paramLabel = "N", defaultValue = "10",
      description = "List at most N disagreements (default: ${DEFAULT-VALUE}).")
  int maxListed;

  /** The default probe budget: about two minutes of checking on a busy 2-core machine (BENCHMARKS.md). */
  static final long DEFAULT_MAX_PROBES = 2_000_000;

  @Option(names = "--max-probes", paramLabel = "N", defaultValue = "" + DEFAULT_MAX_PROBES,
      description = "Refuse (exit 2) before checking any when there are more connections to check than this"
          + " (default: ${DEFAULT-VALUE}).")
  long maxProbes;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (maxProbes < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-probes: must be at least 1");
    }
    Backend b = CompileCommand.backend(spec, backend);
    // A directory holds a multi-file artifact (iptables: ipset.restore, iptables.rules, ...).
    java.util.SortedMap<String, String> files = new java.util.TreeMap<>();
    try {
      Path file = Path.of(ruleset);
      if (Files.isDirectory(file)) {
        try (java.util.stream.Stream<Path> s = Files.list(file)) {
          for (Path f : s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
              .sorted().toList()) {
            files.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
          }
        }
        if (files.isEmpty()) {
          err.println("netpolc: ruleset directory " + ruleset + " holds no files");
          return Main.EXIT_USAGE;
        }
      } else {
        files.put(file.getFileName() == null ? ruleset : file.getFileName().toString(),
            Files.readString(file, StandardCharsets.UTF_8));
      }
    } catch (IOException | InvalidPathException e) {
      err.println("netpolc: cannot read ruleset " + ruleset + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    Optional<Cluster> cluster = InputLoader.loadAccepted(paths, err,
        "netpolc: the input is invalid; nothing was verified (run 'netpolc lint' for details)");
    if (cluster.isEmpty()) {
      return Main.EXIT_USAGE;
    }
    if (node != null && !CompileCommand.knownNode(cluster.get(), node)) {
      err.println("netpolc: unknown node '" + node + "'");
      return Main.EXIT_USAGE;
    }
    // Counted before the simulator or any probe is built: the probes grow with the square of
    // the inventory, and 100,000 pods would need 10^10 of them times the ports.
    long probes = VerificationProbes.count(cluster.get());
    if (probes > maxProbes) {
      err.println("netpolc verify: " + probes + " connections to check (every pair of inventory addresses on every"
          + " probed port), more than --max-probes " + maxProbes + ": refused before checking any.\n"
          + "verify is exhaustive over the inventory; check this ruleset against a smaller inventory, or raise"
          + " --max-probes.");
      return Main.EXIT_USAGE;
    }
    ConnectionDecider simulator;
    try {
      SimulationContext context = node == null ? SimulationContext.clusterWide()
          : SimulationContext.of(new Compiler().compile(cluster.get(),
              CompileOptions.DEFAULTS.withSemantics(semantics.options()).withNode(node)).graph());
      simulator = b.simulator(new Artifact(b.name(), files), context);
    } catch (BackendException | CompileException e) {
      err.println("netpolc: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    VerifyReport report = Verifier.verify(cluster.get(), semantics.options(), Optional.ofNullable(node),
        simulator, Math.max(0, maxListed));
    String scope = node == null ? "cluster-wide" : "node " + node;
    if (report.agrees()) {
      out.println("verify: " + ruleset + " agrees with the policies (" + scope + ", " + report.checked()
          + " connections checked)");
      out.flush();
      return Main.EXIT_OK;
    }
    StringBuilder sb = new StringBuilder();
    sb.append("verify: ").append(ruleset).append(" disagrees with the policies on ").append(report.disagreements())
        .append(" of ").append(report.checked()).append(" connections (").append(scope).append(")");
    sb.append(report.first().size() < report.disagreements() ? "; the first " + report.first().size() + ":\n" : ":\n");
    for (Disagreement d : report.first()) {
      sb.append(d.toText());
    }
    out.print(sb);
    out.flush();
    return Main.EXIT_FINDINGS;
  }
}
