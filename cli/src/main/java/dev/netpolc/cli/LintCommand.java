package dev.netpolc.cli;

import dev.netpolc.cli.format.lint.LintFormat;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.LintReport;
import dev.netpolc.model.lint.Linter;
import dev.netpolc.model.validation.ValidationOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netpolc lint PATH...}: the API-server validation and the lint rules over policy and
 * inventory files, in text, JSON, SARIF or GitHub format. Exit 0 when clean, 1 with findings at
 * or above {@code --fail-on}, 2 for unusable input or arguments.
 */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = {
        "Checks NetworkPolicies as the API server would, plus lint rules (see docs/lint-rules.md).",
        "Rules that need the inventory run when the input has Namespace or Pod objects."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:no finding at or above --fail-on",
        "1:findings at or above --fail-on",
        "2:unusable input (unreadable file, YAML error) or bad arguments",
        "3:internal error"})
public final class LintCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "YAML/JSON files or directories; - for stdin.")
  List<String> paths = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  LintFormat format;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "error",
      description = "Exit 1 when a finding is at least this severe: error, warning or info (default: ${DEFAULT-VALUE}).")
  String failOn;

  @Option(names = "--rule", paramLabel = "ID=SEVERITY",
      description = "Set a rule's severity (off, info, warning, error); repeatable. ID may be a group: NP2xx=off.")
  List<String> rules = new ArrayList<>();

  @Option(names = "--strict-cidr",
      description = "Treat host bits, leading zeros and IPv4-mapped IPv6 in CIDRs as errors (NP101), as the "
          + "API server's strict CIDR validation does.")
  boolean strictCidr;

  @Option(names = "--debug", description = "Print stack traces of internal errors.")
  boolean debug;

  @Override
  public Integer call() {
    Severity threshold = parseFailOn();
    LintConfig config = LintConfig.DEFAULT.withValidation(new ValidationOptions(strictCidr));
    for (String rule : rules) {
      try {
        config = config.withRule(rule);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--rule: " + e.getMessage());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Cluster> cluster = InputLoader.load(paths,
        errors -> out.print(format.formatter().format(LintReport.ofInputErrors(errors))), err);
    if (cluster.isEmpty()) {
      out.flush();
      return Main.EXIT_USAGE;
    }
    LintReport report = new Linter(config).lint(cluster.get());
    out.print(format.formatter().format(report));
    out.flush();
    return report.failsAt(threshold) ? Main.EXIT_FINDINGS : Main.EXIT_OK;
  }

  private Severity parseFailOn() {
    String s = failOn.toLowerCase(Locale.ROOT);
    if (s.equals("error") || s.equals("warning") || s.equals("info")) {
      return LintConfig.parseSeverity(s);
    }
    throw new CommandLine.ParameterException(spec.commandLine(),
        "--fail-on: expected error, warning or info, got '" + failOn + "'");
  }
}
