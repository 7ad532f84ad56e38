package dev.netpolc.e2e.kernel;

import com.google.common.collect.ImmutableMap;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Backends;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The eBPF backend's maps of one cluster, one artifact per node of its {@link KernelLayout}
 * (cluster-wide once when the pods have no nodes), enforced by the reference datapath: in each
 * node namespace {@code netpolc-ebpf attach} loads {@code netpolc.bpf.o} (the kernel verifier
 * runs), pins the node's own maps under the test bpffs, fills them from {@code maps.batch} with
 * {@code bpftool batch}, and attaches the programs to the host-side veth of every pod of the node.
 * Loading over an earlier load of the same topology replaces it ({@code attach --replace}), so
 * each case starts with fresh maps and an empty conntrack map; with {@code --reuse-programs}: when
 * the object is the one already loaded there, the programs stay and only the maps are reloaded
 * (the verifier, most of a load's time, runs once per node and object, not once per case).
 *
 * @param artifacts node → its artifact
 * @param graphs    node → the graph it was emitted from
 * @param nodeOf    address → the node it lives on (to route simulated connections)
 */
public record EbpfNodeArtifacts(Map<String, Artifact> artifacts, Map<String, RuleGraph> graphs,
    Map<IpAddress, String> nodeOf) implements NodeArtifacts {

  /** Node loads (attach --replace) so far in this JVM and the time they took, for the summary lines. */
  static final java.util.concurrent.atomic.LongAdder LOADS = new java.util.concurrent.atomic.LongAdder();
  static final java.util.concurrent.atomic.LongAdder LOAD_NANOS = new java.util.concurrent.atomic.LongAdder();

  /** The file of an artifact that {@code bpftool batch file} reads. */
  static final String BATCH = "maps.batch";

  /** Copies the maps. */
  public EbpfNodeArtifacts {
    artifacts = ImmutableMap.copyOf(artifacts);
    graphs = ImmutableMap.copyOf(graphs);
    nodeOf = ImmutableMap.copyOf(nodeOf);
  }

  /** The eBPF backend; fails the test when it is not on the class path. */
  public static Backend backend() {
    return Backends.find("ebpf").orElseThrow(() -> new AssertionError("no ebpf backend on the class path: "
        + Backends.names()));
  }

  /** Compiles and emits {@code cluster} for every node of {@code layout} with {@code options}. */
  public static EbpfNodeArtifacts compile(Cluster cluster, KernelLayout layout, BackendOptions options) {
    Backend ebpf = backend();
    Map<String, Artifact> artifacts = new LinkedHashMap<>();
    Map<String, RuleGraph> graphs = new LinkedHashMap<>();
    for (String node : layout.nodes()) {
      RuleGraph g = graph(cluster, layout, node);
      try {
        artifacts.put(node, ebpf.emit(g, options));
      } catch (BackendException e) {
        throw new AssertionError("ebpf backend cannot emit the maps of node " + node + ": " + e.getMessage(), e);
      }
      graphs.put(node, g);
    }
    return new EbpfNodeArtifacts(artifacts, graphs, layout.nodeByAddress(cluster));
  }

  /** The graph of {@code node}: per node, or cluster-wide when the layout says so. */
  static RuleGraph graph(Cluster cluster, KernelLayout layout, String node) {
    CompileOptions o = layout.clusterWide() ? CompileOptions.DEFAULTS : CompileOptions.DEFAULTS.withNode(node);
    return new Compiler().compile(cluster, o).graph();
  }

  /**
   * Replaces what an earlier load of this topology attached with every node's maps (the programs
   * kept when the object is the same: {@code --reuse-programs}).
   */
  @Override
  public void load(Topology t) {
    load(t, EbpfDatapath.shared().object());
  }

  /** As {@link #load(Topology)} with another build of the datapath object (other -D knobs). */
  void load(Topology t, Path object) {
    EbpfDatapath d = EbpfDatapath.shared();
    d.forgetOtherTopologies(t);
    NodeArtifacts.forEachNode(artifacts, (node, a) -> {
      Path pins = d.pinDir(t, node);
      List<String> veths = new ArrayList<>(d.hostVeths(t, node).values());
      if (veths.isEmpty()) {
        return; // a node with no pods (only a hostNetwork pod): nothing to attach to
      }
      Path dir = write(a.files());
      try {
        List<String> args = new ArrayList<>(List.of("attach", "--replace", "--reuse-programs", "--artifact",
            dir.toString(), "--object", object.toString(), "--pin-dir", pins.toString()));
        veths.forEach(v -> args.addAll(List.of("--interface", v)));
        long t0 = System.nanoTime();
        expectOk(d.run(t, node, args.toArray(String[]::new)), "attach", node);
        LOAD_NANOS.add(System.nanoTime() - t0);
        LOADS.increment();
      } finally {
        delete(dir);
      }
    });
  }

  /**
   * Applies {@code delta}'s batch files (in name order) to {@code node}'s pinned maps with
   * {@code netpolc-ebpf update}, keeping the conntrack map.
   */
  static void update(Topology t, String node, Delta delta) {
    EbpfDatapath d = EbpfDatapath.shared();
    Path dir = write(delta.files());
    try {
      for (String name : delta.files().keySet()) {
        if (name.endsWith(".batch")) {
          expectOk(d.run(t, node, "update", "--batch", dir.resolve(name).toString(), "--pin-dir",
              d.pinDir(t, node).toString()), "update", node);
        }
      }
    } finally {
      delete(dir);
    }
  }

  /** Per node: the verifier accepting the object and {@code bpftool batch} accepting the maps (scratch pins). */
  @Override
  public Map<String, String> check(Topology t) {
    EbpfDatapath d = EbpfDatapath.shared();
    Map<String, String> failures = new LinkedHashMap<>();
    artifacts.forEach((node, a) -> {
      Path dir = write(a.files());
      try {
        CommandResult r = d.runHere("check", "--artifact", dir.toString(), "--object", d.object().toString(),
            "--pin-dir", d.bpffs().toString());
        if (!r.ok()) {
          failures.put(node, r.describe());
        }
      } finally {
        delete(dir);
      }
    });
    return failures;
  }

  /** A decider made of each node's simulator: a connection passes the source's node and the destination's. */
  @Override
  public ConnectionDecider simulator() {
    Backend ebpf = backend();
    Map<String, ConnectionDecider> sims = new LinkedHashMap<>();
    for (Map.Entry<String, Artifact> e : artifacts.entrySet()) {
      try {
        sims.put(e.getKey(), ebpf.simulator(e.getValue(), SimulationContext.of(graphs.get(e.getKey()))));
      } catch (BackendException ex) {
        throw new AssertionError("ebpf simulator cannot read the maps of node " + e.getKey() + ": "
            + ex.getMessage(), ex);
      }
    }
    return NodeArtifacts.throughNodes(sims, nodeOf);
  }

  /** Every node's maps (bpftool map dump) and tc filters, for failure messages. */
  @Override
  public String listed(Topology t) {
    EbpfDatapath d = EbpfDatapath.shared();
    StringBuilder sb = new StringBuilder();
    for (String node : artifacts.keySet()) {
      Path pins = d.pinDir(t, node);
      StringBuilder sh = new StringBuilder();
      for (String map : List.of("np_gen", "np_endpoints_0", "np_endpoints_1", "np_ident4_0", "np_ident4_1",
          "np_ident6_0", "np_ident6_1", "np_policy_0", "np_policy_1", "np_conntrack")) {
        sh.append("echo '-- ").append(map).append("'; bpftool map dump pinned ").append(pins.resolve(map))
            .append(" 2>&1;");
      }
      sh.append("for i in ").append(String.join(" ", d.hostVeths(t, node).values()))
          .append("; do echo \"-- tc $i\"; tc filter show dev $i ingress; tc filter show dev $i egress; done");
      CommandResult r = t.exec(node, "sh", "-c", sh.toString());
      sb.append("---- node ").append(node).append(" (pins ").append(pins).append(")\n")
          .append(r.ok() ? r.stdout() : "(cannot list: " + r.describe() + ")\n");
    }
    return sb.toString();
  }

  private static void expectOk(CommandResult r, String what, String node) {
    if (!r.ok()) {
      throw new AssertionError("netpolc-ebpf " + what + " failed in node " + node + ": " + r.describe());
    }
  }

  static Path write(Map<String, String> files) {
    try {
      Path dir = Files.createTempDirectory("np-ebpf-");
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = dir.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path dir) {
    try (var s = Files.walk(dir)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
