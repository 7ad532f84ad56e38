package dev.netpolc.cli;

import dev.netpolc.backend.BackendDeciders;
import dev.netpolc.cli.format.matrix.GroupBy;
import dev.netpolc.cli.format.matrix.MatrixFormat;
import dev.netpolc.cli.format.matrix.MatrixReportContext;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.compiler.explain.ConnectionQuery;
import dev.netpolc.compiler.matrix.DeciderFactory;
import dev.netpolc.compiler.matrix.DeciderRegistry;
import dev.netpolc.compiler.matrix.IcmpMessage;
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
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
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
        "Without --port: one matrix per (port, protocol) the pods declare as container ports.",
        "--protocol icmp|icmpv6 [--icmp-type N [--icmp-code N]]: one matrix of one ICMP message (default: echo request).",
        "A matrix of more than --max-cells cells (sources x destinations x probes) is refused: narrow it",
        "with --namespace, --from, --to or --port."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:matrix printed",
        "2:unusable input (unreadable file, YAML or validation error), bad arguments, or more cells than --max-cells",
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
      description = {"TCP, UDP or SCTP (default: TCP with --port; all declared protocols without it);",
          "or ICMP (between IPv4 addresses) or ICMPv6 (between IPv6 addresses), without --port: one matrix of"
              + " one ICMP message, an echo request unless --icmp-type says otherwise."})
  String protocol;

  @Option(names = "--icmp-type", paramLabel = "N",
      description = "With --protocol icmp or icmpv6: the message's ICMP type, 0-255 (default: echo request,"
          + " 8 for ICMP, 128 for ICMPv6).")
  Integer icmpType;

  @Option(names = "--icmp-code", paramLabel = "N",
      description = "With --icmp-type: the message's ICMP code, 0-255 (default 0).")
  Integer icmpCode;

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

  @Option(names = "--from", paramLabel = "NS",
      description = "Only pods of this namespace as sources (rows); repeatable; with --namespace, both apply.")
  List<String> fromNamespaces = new ArrayList<>();

  @Option(names = "--to", paramLabel = "NS",
      description = "Only pods of this namespace as destinations (columns); repeatable; with --namespace, both apply.")
  List<String> toNamespaces = new ArrayList<>();

  /**
   * The default cell budget: a million decisions take seconds and their output stays readable;
   * a whole 100,000-pod cluster has 10^10 cells, which no heap holds and nobody reads.
   */
  static final long DEFAULT_MAX_CELLS = 1_000_000;

  @Option(names = "--max-cells", paramLabel = "N", defaultValue = "" + DEFAULT_MAX_CELLS,
      description = "Refuse (exit 2) a matrix of more cells than this, counted as sources x destinations x"
          + " probes, before deciding any (default: ${DEFAULT-VALUE}).")
  long maxCells;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<PortSpec> portSpec = parsePort();
    Optional<IcmpMessage> icmp = parseIcmp();
    Optional<Protocol> proto = icmp.isPresent() ? Optional.empty() : parseProtocol();
    if (groupBy != null && format != MatrixFormat.dot && format != MatrixFormat.mermaid) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--group-by applies to --format dot and mermaid only");
    }
    if (maxCells < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-cells: must be at least 1");
    }
    boolean square = fromNamespaces.isEmpty() && toNamespaces.isEmpty()
        || new TreeSet<>(fromNamespaces).equals(new TreeSet<>(toNamespaces));
    if (!square && format == MatrixFormat.html) {
      // The page's drill-down is a square grid; a rectangle would show cells it never decided.
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--format html needs the same namespaces as sources and destinations: give --namespace, or the same --from and --to");
    }
    DeciderFactory factory = DECIDERS.find(via).orElseThrow(() -> new CommandLine.ParameterException(
        spec.commandLine(), "--via: unknown decider '" + via + "' (known: " + String.join(", ", DECIDERS.names()) + ")"));

    Optional<Cluster> loaded = InputLoader.loadAccepted(paths, err,
        "netpolc: the input is invalid; run 'netpolc lint' for details");
    if (loaded.isEmpty()) {
      return Main.EXIT_USAGE;
    }
    Cluster cluster = loaded.get();

    Predicate<Pod> fromPods = inNamespaces(namespaces).and(inNamespaces(fromNamespaces));
    Predicate<Pod> toPods = inNamespaces(namespaces).and(inNamespaces(toNamespaces));
    List<Probe> probes;
    if (icmp.isPresent()) {
      probes = List.of(Probe.icmp(icmp.get()));
    } else if (portSpec.isPresent()) {
      probes = List.of(new Probe(portSpec.get(), proto.orElse(Protocol.TCP)));
    } else {
      // The ports that matter are the destinations' own.
      probes = MatrixComputer.declaredProbes(cluster, toPods).stream()
          .filter(p -> proto.isEmpty() || p.protocol() == proto.get()).collect(Collectors.toList());
      if (probes.isEmpty()) {
        err.println("netpolc: no --port given and no pod" + (proto.map(p -> " declares a " + p + " port")
            .orElse(" declares a container port")) + "; give --port");
        return Main.EXIT_USAGE;
      }
    }

    // Counted before any decision or decider is built: a refusal costs only the read.
    long sources = MatrixComputer.podCount(cluster, fromPods);
    long destinations = MatrixComputer.podCount(cluster, toPods);
    if (cellsOver(sources, destinations, probes.size())) {
      err.println(refusal(cluster, sources, destinations, probes.size()));
      return Main.EXIT_USAGE;
    }

    SemanticsOptions options = semantics.forEvaluation(cluster, err);
    String report;
    try {
      ConnectionDecider decider = factory.create(cluster, options);
      List<ReachabilityMatrix> matrices = new ArrayList<>();
      for (Probe probe : probes) {
        matrices.add(MatrixComputer.compute(cluster, decider, probe, fromPods, toPods));
      }
      // Which tier decided each cell, told by the reference evaluator whatever --via is: only
      // reports for people use it, and only tiered input (cluster policies, Calico's tiers) has
      // tiers to tell apart.
      Optional<TierAttribution> tiers = cluster.tieredPolicies().isEmpty() && !cluster.calico().hasCalicoObjects()
          ? Optional.empty()
          : Optional.of(new TierAttribution(new ReferenceEvaluator(cluster, options)));
      MatrixReportContext context = new MatrixReportContext(
          OptionalInt.of(cluster.policies().size() + cluster.tieredPolicies().size()
              + cluster.calico().enforcedPolicies().size() + cluster.cilium().policies().size()),
          new VersionProvider().getVersion()[0], groupBy == null ? GroupBy.namespace : groupBy, tiers);
      report = format.formatter().format(matrices, portSpec.isPresent() || icmp.isPresent(), context);
    } catch (CompileException e) {
      // What the chosen decider cannot evaluate (a Calico host-endpoint option, an L7 match).
      err.println("netpolc: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    // Rendered whole before printing: no partial output.
    out.print(report);
    out.flush();
    return Main.EXIT_OK;
  }

  private static Predicate<Pod> inNamespaces(List<String> names) {
    Set<String> wanted = new TreeSet<>(names);
    return p -> wanted.isEmpty() || wanted.contains(p.namespace());
  }

  /** True when sources × destinations × probes exceeds --max-cells (no overflow: 10^5 pods square is 10^10). */
  private boolean cellsOver(long sources, long destinations, long probes) {
    if (sources == 0 || destinations == 0) {
      return false;
    }
    return sources > maxCells / destinations || sources * destinations > maxCells / probes;
  }

  /** The message of a refused matrix: its size, the budget, and the options that narrow it. */
  private String refusal(Cluster cluster, long sources, long destinations, int probes) {
    Map<String, Integer> perNamespace = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Pod p : cluster.pods()) {
      if (p.isActive() && seen.add(p.key())) {
        perNamespace.merge(p.namespace(), 1, Integer::sum);
      }
    }
    // The first of the largest, by name: deterministic.
    Map.Entry<String, Integer> top = null;
    for (Map.Entry<String, Integer> e : perNamespace.entrySet()) {
      if (top == null || e.getValue() > top.getValue()) {
        top = e;
      }
    }
    String largest = top == null ? "" : "; the largest namespace, " + top.getKey() + ", has " + top.getValue() + " pods";
    BigInteger cells = BigInteger.valueOf(sources).multiply(BigInteger.valueOf(destinations))
        .multiply(BigInteger.valueOf(probes));
    return "netpolc matrix: " + sources + " sources x " + destinations + " destinations x " + probes
        + (probes == 1 ? " probe" : " probes") + " = " + cells + " cells, more than --max-cells " + maxCells
        + ": refused before deciding any.\n"
        + "Narrow it: --namespace NS (sources and destinations), --from NS (sources), --to NS (destinations),"
        + " each repeatable, and --port PORT (one probe); or raise --max-cells."
        + "\nThe input has " + perNamespace.size() + " namespaces with active pods" + largest + ".";
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

  /**
   * The ICMP message of {@code --protocol icmp|icmpv6}, checked as explain checks it: a type and
   * code of 0-255, a code only with a type, both only with an ICMP protocol, and no --port.
   */
  private Optional<IcmpMessage> parseIcmp() {
    String p = protocol == null ? "" : protocol.toUpperCase(Locale.ROOT);
    boolean v4 = p.equals("ICMP");
    boolean v6 = p.equals("ICMPV6");
    int message;
    try {
      message = ConnectionQuery.icmpMessage(v4 ? Protocol.ICMP
          : v6 ? Protocol.ICMPV6 : -1, icmpType, icmpCode);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!v4 && !v6) {
      return Optional.empty();
    }
    if (port != null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--port does not apply to --protocol " + protocol + " (ICMP has no ports; use --icmp-type)");
    }
    return Optional.of(icmpType == null ? IcmpMessage.echoRequest(v6)
        : new IcmpMessage(v6, message >> 8, message & 0xff));
  }

  private Optional<Protocol> parseProtocol() {
    if (protocol == null) {
      return Optional.empty();
    }
    return Optional.of(Protocol.parseLenient(protocol).orElseThrow(() -> new CommandLine.ParameterException(
        spec.commandLine(), "--protocol: '" + protocol + "' is not TCP, UDP, SCTP, ICMP or ICMPv6")));
  }
}
