package dev.netpolc.cli;

import dev.netpolc.cli.format.lint.LintFormat;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.lint.CompilerLintRules;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.DnsTarget;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.LintReport;
import dev.netpolc.model.lint.Linter;
import dev.netpolc.model.selector.SelectorSyntaxException;
import dev.netpolc.model.validation.ValidationOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
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
        "Rules that need the inventory run when the input (or --cluster) has Namespace or Pod objects."},
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

  @Option(names = "--cluster", paramLabel = "PATH",
      description = "Inventory (Namespace, Pod, Node objects) for the inventory rules when the PATHs have none, "
          + "for example the output of 'kubectl get ns,pods,nodes -A -o yaml'; repeatable. Policies in it are "
          + "ignored.")
  List<String> clusterPaths = new ArrayList<>();

  @Option(names = "--backend", paramLabel = "NAME",
      description = "Report features the backend cannot express (NP209).")
  String backendName;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Lint configuration (YAML): 'rules: {NP212: off, NP3xx: info}' and "
          + "'dns: {namespace: kube-system, podSelector: \"k8s-app=kube-dns\"}'. --rule and --dns-selector win.")
  Path configFile;

  @Option(names = "--dns-selector", paramLabel = "NS/SELECTOR",
      description = "Where the cluster DNS runs, for NP211 (default: kube-system/k8s-app=kube-dns).")
  String dnsSelector;

  @Option(names = "--debug", description = "Print stack traces of internal errors.")
  boolean debug;

  @Override
  public Integer call() {
    Severity threshold = parseFailOn();
    LintConfig config = configure();
    Optional<Backend> backend = backend();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    InputLoader.ErrorPrinter printer = errors -> out.print(format.formatter().format(LintReport.ofInputErrors(errors)));
    Optional<Cluster> cluster = InputLoader.load(paths, printer, err);
    if (cluster.isPresent() && !clusterPaths.isEmpty()) {
      cluster = withInventory(cluster.get(), printer, err);
    }
    if (cluster.isEmpty()) {
      out.flush();
      return Main.EXIT_USAGE;
    }
    LintReport report = new Linter(config, CompilerLintRules.all(backend)).lint(cluster.get());
    out.print(format.formatter().format(report));
    out.flush();
    return report.failsAt(threshold) ? Main.EXIT_FINDINGS : Main.EXIT_OK;
  }

  /** The configuration: defaults, then the config file, then --rule and --dns-selector. */
  private LintConfig configure() {
    LintConfig config = LintConfig.DEFAULT.withValidation(new ValidationOptions(strictCidr));
    if (configFile != null) {
      try {
        config = LintConfigFile.apply(configFile, config);
      } catch (LintConfigFile.ConfigException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--config: " + e.getMessage());
      }
    }
    for (String rule : rules) {
      try {
        config = config.withRule(rule);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--rule: " + e.getMessage());
      }
    }
    if (dnsSelector != null) {
      config = config.withDns(parseDns(config.dns()));
    }
    return config;
  }

  private DnsTarget parseDns(DnsTarget current) {
    int slash = dnsSelector.indexOf('/');
    if (slash <= 0 || slash == dnsSelector.length() - 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--dns-selector: expected NAMESPACE/SELECTOR (e.g. kube-system/k8s-app=kube-dns), got '" + dnsSelector + "'");
    }
    try {
      return new DnsTarget(dnsSelector.substring(0, slash), LintConfigFile.selector(dnsSelector.substring(slash + 1)),
          current.port());
    } catch (SelectorSyntaxException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--dns-selector: " + e.getMessage());
    }
  }

  private Optional<Backend> backend() {
    if (backendName == null) {
      return Optional.empty();
    }
    Optional<Backend> b = Backends.find(backendName);
    if (b.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--backend: unknown backend '" + backendName + "' (available: " + Backends.names() + ")");
    }
    return b;
  }

  /** {@code policies} plus the inventory of the --cluster files, unless the inputs carry their own. */
  private Optional<Cluster> withInventory(Cluster policies, InputLoader.ErrorPrinter printer, PrintWriter err) {
    Optional<Cluster> inventory = InputLoader.load(clusterPaths, printer, err);
    if (inventory.isEmpty()) {
      return Optional.empty();
    }
    if (policies.hasInventory()) {
      err.println("netpolc lint: --cluster ignored: the inputs carry their own Namespace or Pod objects");
      return Optional.of(policies);
    }
    if (!inventory.get().policies().isEmpty()) {
      err.println("netpolc lint: ignored " + inventory.get().policies().size()
          + " NetworkPolicies in the --cluster files (lint them as PATHs)");
    }
    Cluster inv = inventory.get();
    // The PATHs' Cilium policies stay: dropping them would lint as if they were not there.
    return Optional.of(new Cluster(inv.namespaces(), inv.pods(), inv.nodes(), policies.policies())
        .withCilium(policies.cilium()));
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
