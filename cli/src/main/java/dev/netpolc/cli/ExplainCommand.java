package dev.netpolc.cli;

import dev.netpolc.cli.format.explain.ExplainFormat;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.compiler.explain.ConnectionQuery;
import dev.netpolc.compiler.explain.Explainer;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netpolc explain}: why one connection is allowed or denied, by which policies and rules
 * (with file:line:column), and the nearest change that would allow a denied one.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
        "Explains why a connection is allowed or denied: each side's isolation and the policies causing it,",
        "the rule that allowed it, or why no rule matched, and the nearest change that would allow it."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:answered (allowed or denied)",
        "2:unusable input, bad arguments or an unknown pod",
        "3:internal error"})
public final class ExplainCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  SemanticsMixin semantics;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "YAML/JSON files or directories; - for stdin.")
  List<String> paths = new ArrayList<>();

  @Option(names = "--from", required = true, paramLabel = "NS/POD|IP", description = "The source.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "NS/POD|IP", description = "The destination.")
  String to;

  @Option(names = "--port", paramLabel = "PORT[/PROTO]",
      description = "Destination port: a number or a container-port name of the destination pod, "
          + "optionally with /TCP, /UDP or /SCTP.")
  String port;

  @Option(names = "--protocol", paramLabel = "PROTO",
      description = "TCP (default), UDP, SCTP, or a portless protocol: ICMP, ICMPv6, or an IP protocol number.")
  String protocol;

  @Option(names = "--icmp-type", paramLabel = "N",
      description = "With --protocol icmp or icmpv6: the message's ICMP type, 0-255 (e.g. 8, echo request).")
  Integer icmpType;

  @Option(names = "--icmp-code", paramLabel = "N",
      description = "With --icmp-type: the message's ICMP code, 0-255 (default 0).")
  Integer icmpCode;

  @Option(names = "--family", paramLabel = "ipv4|ipv6",
      description = "Address family of pod endpoints (default: the first both ends have, IPv4 first).")
  String family;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ExplainFormat format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Cluster> loaded = InputLoader.loadAccepted(paths, err,
        "netpolc: the input is invalid; run 'netpolc lint' for details");
    if (loaded.isEmpty()) {
      return Main.EXIT_USAGE;
    }
    Cluster cluster = loaded.get();
    Connection c;
    try {
      c = ConnectionQuery.parse(cluster, from, to, port, protocol, family, icmpType, icmpCode);
    } catch (IllegalArgumentException e) {
      err.println("netpolc explain: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    String report;
    try {
      report = format.format(new Explainer(new ReferenceEvaluator(cluster, semantics.forEvaluation(cluster, err)))
          .explain(c));
    } catch (CompileException e) {
      // What the reference cannot evaluate (a Calico host-endpoint option, an L7 match).
      err.println("netpolc: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    // Rendered whole before printing: no partial output.
    out.print(report);
    out.flush();
    return Main.EXIT_OK;
  }
}
