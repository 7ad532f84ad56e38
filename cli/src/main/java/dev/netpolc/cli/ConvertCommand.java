package dev.netpolc.cli;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.compiler.convert.Conversion;
import dev.netpolc.compiler.convert.ConvertTarget;
import dev.netpolc.compiler.convert.ConvertYaml;
import dev.netpolc.compiler.convert.ConvertedObject;
import dev.netpolc.compiler.convert.Converter;
import dev.netpolc.compiler.convert.Exactness;
import dev.netpolc.compiler.convert.Refusal;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.validation.AcceptanceGate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * {@code netpolc convert --to TARGET PATH...}: the input's policies in another dialect, written
 * only after the proof ({@link Converter}) shows they decide every connection between the
 * inventory's pods as the input does. YAML goes to stdout (one stream) or, with {@code -o DIR},
 * one file per object; the report (each object's source and exactness, the proof, refusals) goes
 * to stderr.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
        "Writes the policies of PATH in another dialect. Before anything is written, the",
        "converted YAML is read back, validated and compiled with the same inventory, and",
        "must decide every pod-to-pod connection (every port, ICMP, other protocols) as",
        "the input does; otherwise the conversion is refused, naming the source policy",
        "and rule. Each object carries the annotation netpolc.dev/converted-from.",
        "Targets: networkpolicy (NetworkPolicy objects only); clusternetworkpolicy",
        "(policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy, plus NetworkPolicy",
        "objects for NetworkPolicy input, whose isolation ClusterNetworkPolicy cannot",
        "express); calico (projectcalico.org/v3 Tiers and GlobalNetworkPolicies for the",
        "cluster-scoped tiers, NetworkPolicy objects kept, Calico objects as they are);",
        "cilium (cilium.io/v2 CiliumClusterwideNetworkPolicy, plus NetworkPolicy, which",
        "Cilium enforces)."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:converted and proved; the YAML was written",
        "1:conversion refused (reasons on stderr); nothing was written",
        "2:unusable input (unreadable file, YAML or validation error), bad arguments, an unsupported target,"
            + " or the output could not be written",
        "3:internal error"})
public final class ConvertCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  SemanticsMixin semantics;

  @Option(names = "--to", paramLabel = "TARGET", required = true,
      description = "The dialect to write: networkpolicy, clusternetworkpolicy, calico or cilium.")
  String to;

  @Option(names = "--cluster", paramLabel = "PATH",
      description = "Inventory (namespaces, pods, nodes) the proof decides connections on; repeatable. The first"
          + " definition of an object wins; policies in these files are not converted (left out, with a note).")
  List<String> clusterPaths = new ArrayList<>();

  @Option(names = "--approximate",
      description = "Accept a translation that denies connections the input allowed (never one that allows more),"
          + " and list every such connection on stderr.")
  boolean approximate;

  @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR",
      description = "Write one file per object into DIR (created if needed) instead of one YAML stream to stdout.")
  String outputDir;

  @Parameters(paramLabel = "PATH", arity = "1..*",
      description = "Policy files or directories to convert (- for stdin); inventory in them counts too.")
  List<String> paths = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<ConvertTarget> target = ConvertTarget.parse(to);
    if (target.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--to: '" + to.replaceAll("[^\\x20-\\x7e]", "?")
          + "' is not a target (networkpolicy, clusternetworkpolicy, calico, cilium)");
    }
    String refused = "netpolc: the input is invalid; nothing was written (run 'netpolc lint' for details)";
    Cluster inventory = Cluster.EMPTY;
    if (!clusterPaths.isEmpty()) {
      Optional<Cluster> c = InputLoader.load(clusterPaths, InputLoader.textPrinter(err), err);
      if (c.isEmpty()) {
        return Main.EXIT_USAGE;
      }
      inventory = c.get();
      if (!policiesOf(inventory).isEmpty()) {
        err.println("netpolc convert: note: the policies in --cluster files are not converted and not part of the"
            + " proof (" + policiesOf(inventory).size() + " left out)");
      }
    }
    Optional<Cluster> input = InputLoader.load(paths, InputLoader.textPrinter(err), err);
    if (input.isEmpty()) {
      return Main.EXIT_USAGE;
    }
    // The gate sees exactly what is converted and proved: the --cluster inventory with PATH's content.
    // As in diff, the first definition of a namespace, pod or node wins, so --cluster may repeat PATH's.
    Cluster inv = DiffCommand.inventory(List.of(inventory, input.get()));
    Cluster in = input.get();
    Cluster whole = new Cluster(inv.namespaces(), inv.pods(), inv.nodes(), in.policies(), in.clusterNetworkPolicies(),
        in.adminNetworkPolicies(), in.baselineAdminNetworkPolicies(), in.calico(), in.cilium());
    if (!InputLoader.accept(AcceptanceGate.DEFAULT.check(whole), err, refused)) {
      return Main.EXIT_USAGE;
    }
    SemanticsOptions options = semantics.forEvaluation(whole, err);
    Conversion c;
    try {
      c = Converter.convert(whole, target.get(), approximate, options);
    } catch (CompileException e) {
      err.println("netpolc: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    if (!c.accepted()) {
      for (Refusal r : c.refusals()) {
        err.println("netpolc convert: refused: " + r);
      }
      err.println("netpolc convert: " + c.refusals().size() + " refusal(s) converting to " + target.get().cliName()
          + "; nothing was written");
      return Main.EXIT_FINDINGS;
    }
    if (outputDir == null) {
      out.print(c.yaml());
      out.flush();
    } else {
      try {
        write(Path.of(outputDir), c.objects());
      } catch (IOException | RuntimeException e) {
        err.println("netpolc: cannot write to " + outputDir + ": " + e.getMessage());
        return Main.EXIT_USAGE;
      }
    }
    report(c, err);
    return Main.EXIT_OK;
  }

  /** The report on stderr: one line per object, then the proof. */
  private static void report(Conversion c, PrintWriter err) {
    for (ConvertedObject o : c.objects()) {
      String where = o.namespace().isEmpty() ? o.name() : o.namespace() + "/" + o.name();
      err.println("netpolc convert: " + o.kind() + " " + where + " <- " + o.from()
          + (o.exactness() == Exactness.EXACT ? "" : " [" + o.exactness().name().toLowerCase(Locale.ROOT) + "]"));
    }
    if (c.objects().isEmpty()) {
      err.println("netpolc convert: the input has no policy to convert");
    }
    if (c.provedPods() == 0) {
      err.println("netpolc convert: proof: no pods in the input, so no connection was compared; the output is"
          + " exact by construction (give the inventory with --cluster to check it)");
    } else if (c.lost().isEmpty()) {
      err.println("netpolc convert: proof: every connection between the " + c.provedPods()
          + " pods is decided as before (semantic diff empty at every port, ICMP and other protocols)");
    } else {
      err.println("netpolc convert: proof: approximate: nothing newly allowed; newly denied:");
      for (ChangeBlock b : c.lost()) {
        err.println("netpolc convert:   " + Converter.describe(b));
      }
    }
    if (c.inventoryDependent()) {
      err.println("netpolc convert: warning: some objects list today's pods and will not follow future ones");
    }
    err.flush();
  }

  private static List<Object> policiesOf(Cluster c) {
    List<Object> out = new ArrayList<>(c.policies());
    out.addAll(c.clusterNetworkPolicies());
    out.addAll(c.adminNetworkPolicies());
    out.addAll(c.baselineAdminNetworkPolicies());
    out.addAll(c.calico().policies());
    out.addAll(c.cilium().policies());
    return out;
  }

  /** Every object through a temporary file and a rename, so no half-written file is left. */
  private static void write(Path dir, List<ConvertedObject> objects) throws IOException {
    Files.createDirectories(dir);
    List<Path> temps = new ArrayList<>();
    try {
      for (ConvertedObject o : objects) {
        Path tmp = Files.createTempFile(dir, "." + ConvertYaml.fileName(o) + ".", ".tmp");
        temps.add(tmp);
        Files.writeString(tmp, ConvertYaml.document(o), StandardCharsets.UTF_8);
      }
      for (int i = 0; i < objects.size(); i++) {
        Files.move(temps.get(i), dir.resolve(ConvertYaml.fileName(objects.get(i))),
            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
  }
}
