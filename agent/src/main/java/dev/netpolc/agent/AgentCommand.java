package dev.netpolc.agent;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.ebpf.EbpfBackend;
import dev.netpolc.backend.iptables.IptablesBackend;
import dev.netpolc.backend.nftables.NftablesBackend;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netpolc agent}: enforces the cluster's policies on one node until stopped (SIGTERM).
 * The CLI registers it as a subcommand; the code lives here with the agent.
 */
@Command(
    name = "agent",
    description = "Watches the Kubernetes API (Namespaces, Pods, Nodes, NetworkPolicies; and, when the cluster serves"
        + " them, policy.networking.k8s.io ClusterNetworkPolicies (v1alpha2), AdminNetworkPolicies and"
        + " BaselineAdminNetworkPolicies (v1alpha1); Calico projectcalico.org/v3 NetworkPolicies,"
        + " GlobalNetworkPolicies, their Staged forms, StagedKubernetesNetworkPolicies, Tiers, NetworkSets and"
        + " GlobalNetworkSets; Cilium cilium.io/v2 CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies; with"
        + " either, the ServiceAccounts, Services and EndpointSlices their rules refer to. A kind the cluster does not"
        + " serve is skipped with one log line) and keeps this node's rules (nftables,"
        + " iptables or eBPF) in step: at start, the kernel's rules are read back and compared with the first compile"
        + " (logged, metric netpolc_agent_startup_checks_total), then replaced atomically; then one atomic"
        + " delta per batch of events. Stopping leaves the rules in place (fail closed) unless --cleanup-on-exit."
        + " Logs one logfmt line per apply on stderr.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:stopped by a signal",
        "2:bad arguments, a bad --config file, an unsupported backend, or no node name",
        "3:cannot start: the API server did not answer, the informers did not sync, or the metrics address is taken"})
public final class AgentCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A YAML file of settings: a mapping from option names without the dashes to values"
          + " (node: n1, metrics-address: \":9464\", counters: true, ...), e.g. a mounted ConfigMap. Options on the"
          + " command line override it; an unknown key or bad value is an error naming file:line:column.")
  Path configFile;

  @Option(names = "--node", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
      description = "The node to enforce for (its pods' rules). Default: the NODE_NAME environment variable.")
  String node;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "A kubeconfig file. Default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account.")
  Path kubeconfig;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "nftables",
      description = "The backend: nftables (default; each apply one nft -f transaction), iptables (the artifact's"
          + " apply.sh and delta-apply.sh: ipset restore, iptables-restore and ip6tables-restore --noflush of its own"
          + " chains) or ebpf (the reference datapath: netpolc-ebpf attach and update on the pods' interfaces; see"
          + " the --ebpf-* options).")
  String backend;

  @Option(names = "--table", paramLabel = "NAME", defaultValue = "netpolc",
      description = "The table the agent owns: the nftables table (inet family), the iptables chain and set prefix"
          + " (upper-cased; a letter then up to 6 letters or digits), the eBPF default pin directory."
          + " Default: ${DEFAULT-VALUE}.")
  String table;

  @Option(names = "--nft", paramLabel = "PROGRAM", defaultValue = "nft",
      description = "The nft program to run. Default: ${DEFAULT-VALUE}.")
  String nft;

  @Option(names = "--ebpf-loader", paramLabel = "FILE",
      description = "With --backend ebpf: the datapath's loader script netpolc-ebpf (backends/ebpf/datapath in the"
          + " source tree; it needs bash, bpftool, tc, ip, perl). Required with --backend ebpf.")
  Path ebpfLoader;

  @Option(names = "--ebpf-object", paramLabel = "FILE",
      description = "With --backend ebpf: the compiled datapath netpolc.bpf.o (clang -O2 -g -target bpf -c"
          + " netpolc.bpf.c). Required with --backend ebpf.")
  Path ebpfObject;

  @Option(names = "--ebpf-pin-dir", paramLabel = "DIR",
      description = "With --backend ebpf: where the maps and programs are pinned, on a bpffs."
          + " Default: /sys/fs/bpf/TABLE.")
  String ebpfPinDir;

  @Option(names = "--ebpf-interfaces", paramLabel = "REGEX", defaultValue = "veth.+",
      description = "With --backend ebpf: the pods' host-side interfaces, as a pattern the whole link name must"
          + " match (listed before every apply; a change re-attaches). Default: ${DEFAULT-VALUE} (the bridge and ptp"
          + " CNI plugins, Flannel); e.g. cali.+ or lxc.+ for other CNIs.")
  String ebpfInterfaces;

  @Option(names = "--dry-run",
      description = "Print each full ruleset and delta on stdout instead of applying it; post no Events.")
  boolean dryRun;

  @Option(names = "--cleanup-on-exit",
      description = "Remove the agent's table when stopped (default: leave the last rules, fail closed).")
  boolean cleanupOnExit;

  @Option(names = "--metrics-address", paramLabel = "HOST:PORT", defaultValue = ":9464",
      description = "Serve /metrics (Prometheus), /healthz and /readyz here; 'off' serves nothing."
          + " Default: ${DEFAULT-VALUE} (every address).")
  String metricsAddress;

  @Option(names = "--sync-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "How long to wait for the first list of every watched kind. Default: ${DEFAULT-VALUE}.")
  int syncTimeoutSeconds;

  @Option(names = "--counters",
      description = "Count packets on every rule and export the drops per policy and direction in /metrics"
          + " (netpolc_agent_policy_drops_total), read from the kernel on each scrape.")
  boolean counters;

  /** Where each setting taken from the --config file was written, by option name ({@code --table}). */
  private final Map<String, String> fromFile = new TreeMap<>();

  @Override
  public Integer call() throws IOException {
    PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
        StandardCharsets.UTF_8);
    String bad = readConfigFile();
    if (bad != null) {
      return usage(err, bad);
    }
    if (node == null || node.isBlank()) {
      return usage(err, fromFile.containsKey("--node") ? setting("--node") + ": empty"
          : "no node name: pass --node or set NODE_NAME");
    }
    BackendChoice chosen;
    try {
      chosen = backendChoice();
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    if (counters && !backend.equals(NftablesBackend.NAME)) {
      // The drop totals are read from nftables rule counters (PolicyDropCounters.nftSource).
      return usage(err, setting("--counters") + ": per-policy drop counters are read with --backend nftables only");
    }
    if (syncTimeoutSeconds <= 0) {
      return usage(err, setting("--sync-timeout") + " must be positive");
    }
    String[] hostPort = null;
    if (!metricsAddress.equals("off")) {
      int colon = metricsAddress.lastIndexOf(':');
      if (colon < 0 || !metricsAddress.substring(colon + 1).matches("\\d{1,5}")
          || Integer.parseInt(metricsAddress.substring(colon + 1)) > 65535) {
        return usage(err, setting("--metrics-address") + " must be HOST:PORT, :PORT or off");
      }
      hostPort = new String[] {metricsAddress.substring(0, colon), metricsAddress.substring(colon + 1)};
    }
    Config config;
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        return usage(err, setting("--kubeconfig") + " " + kubeconfig + ": not a readable file");
      }
      config = Config.fromKubeconfig(kubeconfig.toFile());
    } else {
      config = Config.autoConfigure(null);
    }
    BackendOptions options = chosen.options().withCounters(counters);
    RuleApplier applier = dryRun
        ? new PrintingApplier(new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
            StandardCharsets.UTF_8))
        : chosen.applier();
    AgentMetrics metrics = new AgentMetrics();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    Agent agent = new Agent(client, new Agent.Settings(node, chosen.backend(), options, cleanupOnExit, !dryRun,
        Duration.ofSeconds(syncTimeoutSeconds)), applier, metrics, err);
    if (counters && !dryRun) {
      PolicyDropCounters drops = new PolicyDropCounters(PolicyDropCounters.nftSource(List.of(nft), table));
      agent.countDrops(drops);
      metrics.exportDrops(drops);
    }
    HTTPServer http = null;
    try {
      if (hostPort != null) {
        String host = hostPort[0].isEmpty() ? "0.0.0.0" : hostPort[0];
        http = metrics.serve(host, Integer.parseInt(hostPort[1]), agent::ready);
      }
      agent.start();
    } catch (Agent.AgentException | IOException e) {
      err.println("netpolc agent: " + e.getMessage());
      agent.close();
      if (http != null) {
        http.close();
      }
      client.close();
      return 3;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    HTTPServer server = http;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      if (server != null) {
        server.close();
      }
      client.close();
      stopped.countDown();
    }, "netpolc-agent-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The backend, its options and its applier, as the flags choose them. */
  record BackendChoice(Backend backend, BackendOptions options, RuleApplier applier) {}

  /**
   * The backend of {@code --backend} with its flags checked.
   *
   * @throws IllegalArgumentException saying which flag is wrong
   */
  BackendChoice backendChoice() {
    BackendOptions options = BackendOptions.DEFAULTS.withTableName(table);
    switch (backend) {
      case NftablesBackend.NAME -> {
        if (!table.matches("[A-Za-z][A-Za-z0-9_]{0,31}")) {
          throw new IllegalArgumentException(
              setting("--table") + " must be a letter then up to 31 letters, digits or _");
        }
        return new BackendChoice(new NftablesBackend(), options, new NftablesApplier(List.of(nft), table));
      }
      case IptablesBackend.NAME -> {
        if (!table.matches("[A-Za-z][A-Za-z0-9]{0,6}")) {
          throw new IllegalArgumentException(setting("--table")
              + " must be a letter then up to 6 letters or digits with --backend"
              + " iptables (it prefixes chain and set names)");
        }
        return new BackendChoice(new IptablesBackend(), options, new IptablesApplier(List.of(), table));
      }
      case EbpfBackend.NAME -> {
        if (!table.matches("[A-Za-z][A-Za-z0-9_]{0,30}")) {
          throw new IllegalArgumentException(
              setting("--table") + " must be a letter then up to 30 letters, digits or _");
        }
        if (ebpfLoader == null || !Files.isReadable(ebpfLoader)) {
          throw new IllegalArgumentException("--backend ebpf needs --ebpf-loader, the readable netpolc-ebpf script"
              + (ebpfLoader == null ? "" : " (" + Agent.quote(ebpfLoader.toString()) + " is not)"));
        }
        if (ebpfObject == null || !Files.isReadable(ebpfObject)) {
          throw new IllegalArgumentException("--backend ebpf needs --ebpf-object, the readable compiled netpolc.bpf.o"
              + (ebpfObject == null ? "" : " (" + Agent.quote(ebpfObject.toString()) + " is not)"));
        }
        String pins = ebpfPinDir == null ? "/sys/fs/bpf/" + table : ebpfPinDir;
        java.util.regex.Pattern ifaces;
        try {
          ifaces = java.util.regex.Pattern.compile(ebpfInterfaces);
        } catch (java.util.regex.PatternSyntaxException e) {
          throw new IllegalArgumentException(setting("--ebpf-interfaces") + ": not a pattern: " + e.getDescription());
        }
        try {
          return new BackendChoice(new EbpfBackend(), options.with("pinDir", pins),
              new EbpfApplier(List.of(), ebpfLoader.toAbsolutePath(), ebpfObject.toAbsolutePath(), pins, ifaces));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(setting("--ebpf-pin-dir") + ": " + e.getMessage());
        }
      }
      default -> throw new IllegalArgumentException(setting("--backend") + " " + Agent.quote(backend)
          + ": the agent runs nftables, iptables or ebpf");
    }
  }


  /** Applies {@code --config}, if given; returns what is wrong with it, or null. */
  String readConfigFile() {
    if (configFile == null) {
      return null;
    }
    try {
      applyConfigFile(AgentConfigFile.read(configFile));
      return null;
    } catch (AgentConfigFile.ConfigException e) {
      return e.getMessage();
    }
  }

  /**
   * Sets every option the file names and the command line did not. picocli applies default values
   * before it reads {@code --config}, so the file is merged here, after parsing: each value goes
   * through picocli's own conversion (a scratch parse of {@code --key value}), so the file accepts
   * exactly what the command line accepts.
   */
  private void applyConfigFile(AgentConfigFile file) throws AgentConfigFile.ConfigException {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    for (AgentConfigFile.Entry e : file.entries()) {
      String name = "--" + e.key();
      CommandLine.Model.OptionSpec o = e.key().startsWith("-") ? null : spec.findOption(name);
      if (o == null || o.usageHelp() || name.equals("--config")) {
        throw new AgentConfigFile.ConfigException(file.where(e) + ": " + e.key() + ": unknown key; the keys are "
            + String.join(", ", configKeys()));
      }
      if (parsed != null && parsed.hasMatchedOption(o)) {
        continue;
      }
      if (o.typeInfo().isBoolean()) {
        if (!e.flag()) {
          throw new AgentConfigFile.ConfigException(file.where(e) + ": " + e.key() + ": must be true or false");
        }
        o.setValue(Boolean.parseBoolean(e.value()));
      } else {
        if (e.value() == null || e.flag()) {
          throw new AgentConfigFile.ConfigException(file.where(e) + ": " + e.key() + ": needs a "
              + o.paramLabel() + " value" + (e.flag() ? " (quote it to mean the text " + e.value() + ")" : ""));
        }
        CommandLine scratch = new CommandLine(new AgentCommand());
        try {
          scratch.parseArgs(name, e.value());
        } catch (CommandLine.ParameterException ex) {
          throw new AgentConfigFile.ConfigException(file.where(e) + ": " + e.key() + ": " + ex.getMessage());
        }
        o.setValue(scratch.getCommandSpec().findOption(name).getValue());
      }
      fromFile.put(name, file.where(e) + ": " + e.key());
    }
  }

  /** The keys a config file may hold: every option but --config and --help. */
  List<String> configKeys() {
    return spec.options().stream().filter(o -> !o.usageHelp() && !o.longestName().equals("--config"))
        .map(o -> o.longestName().substring(2)).sorted().toList();
  }

  /** How messages name a setting: the option, or file:line:column and key when the file set it. */
  private String setting(String option) {
    return fromFile.getOrDefault(option, option);
  }

  private int usage(PrintStream err, String message) {
    // Usage errors go to picocli's writer (tests and embedders capture it); the agent logs to stderr.
    spec.commandLine().getErr().println("netpolc agent: " + message);
    spec.commandLine().getErr().flush();
    return 2;
  }
}
