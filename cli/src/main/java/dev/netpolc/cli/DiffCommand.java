package dev.netpolc.cli;

import com.google.common.collect.ImmutableList;
import dev.netpolc.cli.format.diff.DiffFormat;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.compiler.diff.Change;
import dev.netpolc.compiler.diff.DiffResult;
import dev.netpolc.compiler.diff.DiffScope;
import dev.netpolc.compiler.diff.DiffTooLargeException;
import dev.netpolc.compiler.diff.PolicyDiff;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.calico.StagedPolicies;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.validation.AcceptanceGate;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netpolc diff OLD NEW}: the connections between pods that a policy change newly allows
 * and newly denies, grouped by namespace and pod labels with port ranges merged.
 *
 * <p>The inventory (namespaces, pods, nodes) is shared by both sides: it is read from
 * {@code --cluster}, then OLD, then NEW, and the first definition of each namespace, pod or node
 * wins. Policies in {@code --cluster} files belong to both sides.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
        "Lists the pod-to-pod connections that become allowed and that become denied when the policies",
        "of OLD are replaced by those of NEW, on the inventory of --cluster (and of OLD and NEW).",
        "A diff that would decide more than --max-class-pairs pairs of pod classes, or report more than",
        "--max-blocks changed blocks, is refused: narrow it with --namespace, --from, --to or --port."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:diff printed",
        "1:--fail-on-new-allow and something is newly allowed",
        "2:unusable input (unreadable file, YAML or validation error), bad arguments, or a diff over budget",
        "3:internal error"})
public final class DiffCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  SemanticsMixin semantics;

  @Parameters(index = "0", paramLabel = "OLD",
      description = "The policies before: a file or directory (with --staged: the whole input).")
  String oldPath;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NEW",
      description = "The policies after: a file or directory (not with --staged).")
  String newPath;

  @Option(names = "--staged",
      description = "Compare the input (OLD and --cluster) with the same input after its Calico Staged* policies"
          + " are enforced: what they would newly allow and deny.")
  boolean staged;

  @Option(names = "--cluster", paramLabel = "PATH",
      description = "Inventory (namespaces, pods, nodes) shared by both sides; repeatable.")
  List<String> clusterPaths = new ArrayList<>();

  @Option(names = "--port", paramLabel = "PORT|NAME",
      description = "Only this port: a number, or a container-port name resolved on each destination pod.")
  String port;

  @Option(names = "--protocol", paramLabel = "PROTO", description = "With --port: TCP (default), UDP or SCTP.")
  String protocol;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  DiffFormat format;

  @Option(names = "--fail-on-new-allow", description = "Exit 1 when any connection becomes allowed.")
  boolean failOnNewAllow;

  @Option(names = "--namespace", paramLabel = "NS",
      description = "Only pods of this namespace, as sources and destinations; repeatable.")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--from", paramLabel = "NS",
      description = "Only pods of this namespace as sources; repeatable; with --namespace, both apply.")
  List<String> fromNamespaces = new ArrayList<>();

  @Option(names = "--to", paramLabel = "NS",
      description = "Only pods of this namespace as destinations; repeatable; with --namespace, both apply.")
  List<String> toNamespaces = new ArrayList<>();

  @Option(names = "--max-class-pairs", paramLabel = "N", defaultValue = "" + DiffScope.DEFAULT_MAX_CLASS_PAIRS,
      description = "Refuse (exit 2), before deciding any, a diff of more pairs of pod classes whose rules"
          + " changed on one side (default: ${DEFAULT-VALUE}).")
  long maxClassPairs;

  @Option(names = "--max-blocks", paramLabel = "N", defaultValue = "" + DiffScope.DEFAULT_MAX_BLOCKS,
      description = "Stop (exit 2, nothing printed) once more changed blocks than this are found"
          + " (default: ${DEFAULT-VALUE}).")
  long maxBlocks;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<PortSpec> portSpec = Optional.empty();
    if (port != null) {
      try {
        portSpec = Optional.of(PortSpec.parse(port));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--port: " + e.getMessage());
      }
    }
    if (protocol != null && port == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--protocol needs --port");
    }
    if (maxClassPairs < 1 || maxBlocks < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          (maxClassPairs < 1 ? "--max-class-pairs" : "--max-blocks") + ": must be at least 1");
    }
    Protocol proto = protocol == null ? Protocol.TCP : Protocol.parseLenient(protocol).orElseThrow(() ->
        new CommandLine.ParameterException(spec.commandLine(), "--protocol: '" + protocol + "' is not TCP, UDP or SCTP"));

    if (staged == (newPath != null)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          staged ? "--staged compares one input with its staged policies enforced: give OLD only"
              : "Missing required parameter: 'NEW' (or give --staged)");
    }

    Cluster shared = Cluster.EMPTY;
    if (!clusterPaths.isEmpty()) {
      Optional<Cluster> c = InputLoader.load(clusterPaths, InputLoader.textPrinter(err), err);
      if (c.isEmpty()) {
        return Main.EXIT_USAGE;
      }
      shared = c.get();
    }
    Optional<Cluster> before = InputLoader.load(List.of(oldPath), InputLoader.textPrinter(err), err);
    if (before.isEmpty()) {
      return Main.EXIT_USAGE;
    }
    Optional<Cluster> after = staged ? before
        : InputLoader.load(List.of(newPath), InputLoader.textPrinter(err), err);
    if (after.isEmpty()) {
      return Main.EXIT_USAGE;
    }
    Cluster inventory = inventory(List.of(shared, before.get(), after.get()));
    // Every kind of policy, NetworkPolicies, cluster-scoped, Calico's and Cilium's, from the shared files and each side.
    Cluster oldSide = withPoliciesOf(inventory, shared, before.get());
    Cluster newSide = staged ? StagedPolicies.promote(oldSide) : withPoliciesOf(inventory, shared, after.get());
    if (staged && !StagedPolicies.hasPreview(oldSide)) {
      err.println("netpolc diff: the input has no staged policy to preview (StagedNetworkPolicy,"
          + " StagedGlobalNetworkPolicy or StagedKubernetesNetworkPolicy with stagedAction Set or Delete)");
    }
    // Each side as the compiler will see it; findings of files both sides share are shown once.
    AcceptanceGate.Verdict verdict = AcceptanceGate.DEFAULT.check(oldSide)
        .plus(AcceptanceGate.DEFAULT.check(newSide));
    if (!InputLoader.accept(verdict, err, "netpolc: the input is invalid; run 'netpolc lint' for details")) {
      return Main.EXIT_USAGE;
    }
    if (inventory.pods().isEmpty()) {
      err.println("netpolc diff: no pods in the input, so no connection can change; give the inventory with --cluster");
    }
    SemanticsOptions options = semantics.forEvaluation(oldSide.plus(newSide), err);
    DiffScope scope = new DiffScope(inNamespaces(namespaces).and(inNamespaces(fromNamespaces)),
        inNamespaces(namespaces).and(inNamespaces(toNamespaces)), maxClassPairs, maxBlocks);
    DiffResult result;
    try {
      result = PolicyDiff.compute(inventory, oldSide, newSide, options, scope);
    } catch (DiffTooLargeException e) {
      err.println(refusal(inventory, e));
      return Main.EXIT_USAGE;
    } catch (CompileException e) {
      // What a side's compile refuses (a Calico field netpolc does not enforce), named where it is.
      err.println("netpolc: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    Optional<String> probe = Optional.empty();
    if (portSpec.isPresent()) {
      result = result.at(proto, portSpec.get());
      probe = Optional.of(proto + " " + portSpec.get());
    }
    // Rendered whole before printing: no partial output.
    out.print(format.format(result, probe));
    out.flush();
    return failOnNewAllow && !result.blocks(Change.NEWLY_ALLOWED).isEmpty() ? Main.EXIT_FINDINGS : Main.EXIT_OK;
  }

  private static Predicate<Pod> inNamespaces(List<String> names) {
    Set<String> wanted = new TreeSet<>(names);
    return p -> wanted.isEmpty() || wanted.contains(p.namespace());
  }

  /** The message of a refused diff: what it exceeded, and the options that narrow it. */
  private String refusal(Cluster inventory, DiffTooLargeException e) {
    Map<String, Integer> perNamespace = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Pod p : inventory.pods()) {
      if (p.isActive() && seen.add(p.key())) {
        perNamespace.merge(p.namespace(), 1, Integer::sum);
      }
    }
    String option = e.budget() == DiffTooLargeException.Budget.CLASS_PAIRS ? "--max-class-pairs" : "--max-blocks";
    return "netpolc diff: " + e.getMessage() + "; " + option + " is " + e.limit() + ": nothing printed.\n"
        + "Narrow it: --namespace NS (sources and destinations), --from NS (sources), --to NS (destinations),"
        + " each repeatable"
        + "; or raise " + option + ".\n"
        + "The input has " + perNamespace.size() + " namespaces with active pods.";
  }

  /** {@code inventory} with the policies of every kind (Calico's and Cilium's resources too) from {@code shared} then {@code side}. */
  private static Cluster withPoliciesOf(Cluster inventory, Cluster shared, Cluster side) {
    return new Cluster(inventory.namespaces(), inventory.pods(), inventory.nodes(),
        ImmutableList.<NetworkPolicy>builder().addAll(shared.policies()).addAll(side.policies()).build(),
        ImmutableList.<ClusterNetworkPolicy>builder().addAll(shared.clusterNetworkPolicies())
            .addAll(side.clusterNetworkPolicies()).build(),
        ImmutableList.<AdminNetworkPolicy>builder().addAll(shared.adminNetworkPolicies())
            .addAll(side.adminNetworkPolicies()).build(),
        ImmutableList.<BaselineAdminNetworkPolicy>builder().addAll(shared.baselineAdminNetworkPolicies())
            .addAll(side.baselineAdminNetworkPolicies()).build(),
        shared.calico().plus(side.calico()), shared.cilium().plus(side.cilium()));
  }

  /** The inventories together; the first definition of each namespace, pod and node wins. */
  static Cluster inventory(List<Cluster> parts) {
    List<Namespace> namespaces = firsts(parts, Cluster::namespaces, Namespace::name);
    List<Pod> pods = firsts(parts, Cluster::pods, Pod::key);
    List<Node> nodes = firsts(parts, Cluster::nodes, Node::name);
    return new Cluster(namespaces, pods, nodes, List.of());
  }

  private static <T> List<T> firsts(List<Cluster> parts, Function<Cluster, List<T>> items, Function<T, String> key) {
    Set<String> seen = new HashSet<>();
    return parts.stream().flatMap(c -> items.apply(c).stream()).filter(t -> seen.add(key.apply(t)))
        .collect(Collectors.toList());
  }
}
