package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.iptables.sim.IpsetLoader;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The figures of the README, checked and printed (no timing): chains, rules, ipsets and set
 * elements for examples/demo and a generated 5,000-pod, 500-policy cluster, which must load
 * within the kernel's 256-set limit.
 */
class ScaleFiguresTest {

  @Test
  void demo() throws BackendException {
    report("examples/demo cluster-wide", Fixtures.demo(), CompileOptions.DEFAULTS);
    report("examples/demo node-a", Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-a"));
    report("examples/demo node-b", Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-b"));
  }

  /** Minutes on a shared 2-core machine: run with -Dnetpolc.scaleFigures=true. */
  @Test
  void largeCluster() throws BackendException {
    Assumptions.assumeTrue(Boolean.getBoolean("netpolc.scaleFigures"),
        "large-cluster figures skipped: run with -Dnetpolc.scaleFigures=true");
    Cluster large = LargeClusterGen.generate(42, 5000, 500);
    report("generated 5000 pods / 500 policies cluster-wide", large, CompileOptions.DEFAULTS);
    report("generated 5000 pods / 500 policies node node1", large, CompileOptions.DEFAULTS.withNode("node1"));
    // The same cluster-wide artifact with all but 56 sets as mark bits, to show the density.
    RuleGraph g = Fixtures.compile(large, CompileOptions.DEFAULTS);
    for (String max : new String[] {"255", "0"}) {
      Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS.with("maxIpsets", max));
      System.out.printf("generated 5000 pods / 500 policies cluster-wide maxIpsets=%s: %s%n", max,
          new IptablesBackend().statistics(a));
    }
  }

  /** Delta sizes: a pod event and a policy removal, per node, against the full artifact's size. */
  @Test
  void deltaSizes() throws BackendException {
    deltas("examples/demo node-a", Fixtures.demo(), "node-a");
    deltas("src/test/resources/delta node-1", Fixtures.read("delta"), "node-1");
    if (Boolean.getBoolean("netpolc.scaleFigures")) {
      deltas("generated 5000 pods / 500 policies node node1", LargeClusterGen.generate(42, 5000, 500), "node1");
    }
  }

  private static void deltas(String label, Cluster c, String node) throws BackendException {
    IptablesBackend ipt = new IptablesBackend();
    // A pod on another node gets a copy with a fresh address (no named ports: a peer, not a port source).
    Pod p = c.pods().stream().filter(x -> x.nodeName() != null && !x.nodeName().equals(node)
        && !x.hostNetwork() && !x.ips().isEmpty()).findFirst().orElseThrow();
    IpAddress fresh = IpAddress.parse(p.ips().get(0).v6() ? "fd00:ffff::77" : "198.18.255.77");
    ClusterChange pod = new ClusterChange.PodUpserted(new Pod(p.namespace(), p.name() + "-copy", p.labels(),
        List.of(fresh), p.nodeName(), false, p.phase(), List.of(), List.of(), p.position()));
    NetworkPolicy np = c.policies().stream().filter(x -> x.name().equals("postgres-clients")).findFirst()
        .orElse(c.policies().get(c.policies().size() / 2));
    ClusterChange policy = new ClusterChange.PolicyRemoved(np.namespace(), np.name());
    for (ClusterChange change : List.of(pod, policy)) {
      CompilerSession s = new Compiler().session(c, CompileOptions.DEFAULTS.withNode(node));
      Artifact before = ipt.emit(s.graph(), BackendOptions.DEFAULTS);
      GraphUpdate u = s.apply(List.of(change));
      Delta d = ipt.update(before, u, BackendOptions.DEFAULTS);
      IptArtifactReader applied = IptablesBackend.read(before, d);
      Artifact full = ipt.emit(s.graph(), BackendOptions.DEFAULTS);
      assertThat(IncrementalDeltaPropertyTest.state(applied))
          .isEqualTo(IncrementalDeltaPropertyTest.state(IptablesBackend.read(full)));
      long bytes = d.files().entrySet().stream().filter(e -> !e.getKey().endsWith(".sh"))
          .mapToLong(e -> e.getValue().length()).sum();
      long fullBytes = full.files().entrySet().stream().filter(e -> !e.getKey().endsWith(".sh"))
          .mapToLong(e -> e.getValue().length()).sum();
      System.out.printf("delta %s, %s (%s): files %s, %d bytes (full artifact %d bytes)%n", label,
          change.getClass().getSimpleName(), u.incremental() ? "incremental" : u.fallbackReason(),
          d.files().keySet(), bytes, fullBytes);
    }
  }

  private static void report(String label, Cluster c, CompileOptions options) throws BackendException {
    RuleGraph g = Fixtures.compile(c, options);
    Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
    SortedMap<String, Long> stats = new IptablesBackend().statistics(a);
    assertThat(IptablesBackend.read(a).peakSets()).isLessThanOrEqualTo(IpsetLoader.MAX_SETS);
    assertThat(stats.get("ipsets")).isLessThanOrEqualTo(IptablesBackend.DEFAULT_MAX_IPSETS);
    long bytes = a.files().values().stream().mapToLong(String::length).sum();
    System.out.printf("%s: %s; %d bytes; IR %s%n", label, stats, bytes, g.size());
  }
}
