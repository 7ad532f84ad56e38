package dev.netpolc.examples.incremental;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.backend.nftables.sim.NftSimulator;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What a node agent does on a pod event: keep a {@link CompilerSession} of the cluster, turn each
 * batch of watch events into a {@link GraphUpdate}, and apply the backend's {@link Delta} (one
 * {@code nft -f} transaction of element changes) instead of reloading the whole ruleset.
 *
 * <p>Run: {@code java -cp ... dev.netpolc.examples.incremental.IncrementalExample examples/demo node-a}
 */
public final class IncrementalExample {
  private IncrementalExample() {}

  /** Arguments: an input path (file or directory) and a node name. */
  public static void main(String[] args) throws BackendException {
    if (args.length != 2) {
      System.err.println("usage: IncrementalExample PATH NODE");
      System.exit(2);
    }
    System.exit(run(Path.of(args[0]), args[1], System.out));
  }

  /** The example's body; returns an exit code. */
  public static int run(Path input, String node, PrintStream out) throws BackendException {
    ReadResult read = new PolicyReader().read(List.of(input));
    if (!read.ok()) {
      read.errors().forEach(d -> out.println(d.position() + ": " + d.message()));
      return 2;
    }
    Cluster cluster = read.cluster();

    // 1. Open a session for this node and install the full ruleset once.
    CompilerSession session = new Compiler().session(cluster, CompileOptions.DEFAULTS.withNode(node));
    NftablesBackend nft = new NftablesBackend();
    BackendOptions options = BackendOptions.DEFAULTS;
    Artifact installed = nft.emit(session.graph(), options);
    out.println("installed " + installed.primaryName() + ": " + installed.primary().lines().count() + " lines");

    // 2. A pod event: one more replica of a local pod, same labels, a free address. Its group
    //    exists, so the update is incremental unless an egress rule with named ports targets the
    //    pod (then the session recompiles and the delta is a diff): try the groups in turn.
    GraphUpdate update = null;
    for (EndpointGroup group : session.graph().groups()) {
      CompilerSession attempt = new Compiler().session(cluster, session.options());
      update = attempt.apply(List.of(new ClusterChange.PodUpserted(replicaOf(attempt.cluster(), group))));
      out.println("replica of " + group.id() + " added: "
          + (update.incremental() ? "incremental" : "recompiled (" + update.fallbackReason() + ")"));
      session = attempt;
      if (update.incremental()) {
        break;
      }
    }

    // 3. The delta: apply it with `nft -f netpolc-delta.nft` on the installed ruleset.
    Delta delta = nft.update(installed, update, options);
    out.print(delta.files().get(NftablesBackend.DELTA_FILE));

    // 4. Check it, as a test would: the installed ruleset plus the delta decides like the policies.
    NftSimulator sim = new NftSimulator(NftablesBackend.parse(installed, delta),
        SimulationContext.of(session.graph()).nodeAddresses());
    boolean agrees = Verifier.verify(new ReferenceEvaluator(session.cluster()), session.options().node(), sim,
        dev.netpolc.backend.VerificationProbes.of(session.cluster()), 1).agrees();
    out.println("after the delta the ruleset " + (agrees ? "agrees" : "DISAGREES") + " with the reference");
    return agrees ? 0 : 3;
  }

  /** A copy of the group's first pod under another name, at the next free address. */
  private static Pod replicaOf(Cluster c, EndpointGroup group) {
    String key = group.members().get(0).pod();
    Pod pod = c.pods().stream().filter(p -> p.key().equals(key)).findFirst().orElseThrow();
    IpAddress ip = pod.ips().get(0);
    do {
      ip = ip.next().orElseThrow();
    } while (used(c, ip));
    return new Pod(pod.namespace(), pod.name() + "-2", pod.labels(), List.of(ip), pod.nodeName(),
        pod.hostNetwork(), pod.phase(), pod.ports(), pod.initPorts(), pod.position());
  }

  private static boolean used(Cluster c, IpAddress ip) {
    return c.pods().stream().anyMatch(p -> p.ips().contains(ip))
        || c.nodes().stream().anyMatch(n -> n.addresses().contains(ip));
  }
}
