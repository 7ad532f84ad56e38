package dev.netpolc.cli;

import dev.netpolc.backend.BackendDeciders;
import dev.netpolc.cli.format.matrix.GroupBy;
import dev.netpolc.cli.format.matrix.MatrixFormat;
import dev.netpolc.cli.format.matrix.MatrixReportContext;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.matrix.DeciderFactory;
import dev.netpolc.compiler.matrix.DeciderRegistry;
import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.matrix.TierAttribution;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netpolc matrix}: which pods reach which, per port and protocol, from Namespace, Pod and
 * NetworkPolicy objects. Without {@code --port}, one matrix per distinct (port, protocol) the
 * pods declare as container ports (JSON: an array); with it, exactly one (JSON: one object, the
 * conformance matrix contract).
 */
@Command(
    name = "matrix",
    mixinStandardHelpOptions = true,
    description = {
        "Prints the reachability matrix: for every pod that has an IP, the pods a new connection from it reaches.",
        "Without --port: one matrix per (port, protocol) the pods declare as container ports."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:matrix printed",
        "2:unusable input (unreadable file, YAML or validation error) or bad arguments",
        "3:internal error"})
public final class MatrixCommand implements Callable<Integer> {

  /**
   * The deciders {@code --via} can name. To add one (the IR, a backend's simulator), chain one
   * {@code .with("name", (cluster, options) -> decider)} here.
   */
  static final DeciderRegistry DECIDERS = BackendDeciders.register(DeciderRegistry.standard());

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  SemanticsMixin semantics;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "YAML/JSON files or directories; - for stdin.")
  List<String> paths = new ArrayList<>();

  @Option(names = "--port", paramLabel = "PORT|NAME",
      description = "Probe this port number, or this container-port name resolved on each destination pod.")
  String port;

  @Option(names = "--protocol", paramLabel = "PROTO",
      description = "TCP, UDP or SCTP (default: TCP with --port; all declared protocols without it).")
  String protocol;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  MatrixFormat format;

  @Option(names = "--group-by", paramLabel = "GROUP",
      description = "Graph nodes for --format dot and mermaid: ${COMPLETION-CANDIDATES} (default: namespace).")
  GroupBy groupBy;

  @Option(names = "--via", paramLabel = "DECIDER", defaultValue = "reference",
      description = "What decides each connection (default: ${DEFAULT-VALUE}).")
  String via;

  @Option(names = "--namespace", paramLabel = "NS",
      description = "Only pods of this namespace, as sources and destinations; repeatable.")
  List<String> namespaces = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<PortSpec> portSpec = parsePort();
    Optional<Protocol> proto = parseProtocol();
    if (groupBy != null && format != MatrixFormat.dot && format != MatrixFormat.mermaid) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--group-by applies to --format dot and mermaid only");
    }
    DeciderFactory factory = DECIDERS.find(via).orElseThrow(() -> new CommandLine.ParameterException(
        spec.commandLine(), "--via: unknown decider '" + via + "' (known: " + String.join(", ", DECIDERS.names()) + ")"));

    Optional<Cluster> loaded = InputLoader.loadAccepted(paths, err,
        "netpolc: the input is invalid; run 'netpolc lint' for details");
    if (loaded.isEmpty()) {
      return Main.EXIT_USAGE;
    }
    Cluster cluster = loaded.get();

    Set<String> wanted = new TreeSet<>(namespaces);
    Predicate<Pod> include = p -> wanted.isEmpty() || wanted.contains(p.namespace());
    List<Probe> probes;
    if (portSpec.isPresent()) {
      probes = List.of(new Probe(portSpec.get(), proto.orElse(Protocol.TCP)));
    } else {
      probes = MatrixComputer.declaredProbes(cluster, include).stream()
          .filter(p -> proto.isEmpty() || p.protocol() == proto.get()).collect(Collectors.toList());
      if (probes.isEmpty()) {
        err.println("netpolc: no --port given and no pod" + (proto.map(p -> " declares a " + p + " port")
            .orElse(" declares a container port")) + "; give --port");
        return Main.EXIT_USAGE;
      }
    }

    SemanticsOptions options = semantics.forEvaluation(cluster, err);
    ConnectionDecider decider = factory.create(cluster, options);
    List<ReachabilityMatrix> matrices = new ArrayList<>();
    for (Probe probe : probes) {
      matrices.add(MatrixComputer.compute(cluster, decider, probe, include));
    }
    // Rendered whole before printing: no partial output.
    // Which tier decided each cell, told by the reference evaluator whatever --via is: only
    // reports for people use it, and only tiered input has tiers to tell apart.
    Optional<TierAttribution> tiers = cluster.tieredPolicies().isEmpty() ? Optional.empty()
        : Optional.of(new TierAttribution(new ReferenceEvaluator(cluster, options)));
    MatrixReportContext context = new MatrixReportContext(
        OptionalInt.of(cluster.policies().size() + cluster.tieredPolicies().size()),
        new VersionProvider().getVersion()[0], groupBy == null ? GroupBy.namespace : groupBy, tiers);
    out.print(format.formatter().format(matrices, portSpec.isPresent(), context));
    out.flush();
    return Main.EXIT_OK;
  }

  private Optional<PortSpec> parsePort() {
    if (port == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(PortSpec.parse(port));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--port: " + e.getMessage());
    }
  }

  private Optional<Protocol> parseProtocol() {
    if (protocol == null) {
      return Optional.empty();
    }
    return Optional.of(Protocol.parseLenient(protocol).orElseThrow(() -> new CommandLine.ParameterException(
        spec.commandLine(), "--protocol: '" + protocol + "' is not TCP, UDP or SCTP")));
  }
}
