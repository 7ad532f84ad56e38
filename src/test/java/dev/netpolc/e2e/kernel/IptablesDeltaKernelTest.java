package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PersistentTcp;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Incremental updates of the iptables backend on a live node: a {@link CompilerSession} turns
 * cluster changes into deltas ({@code delta-apply.sh}: ipset add/del or swap, our chains replaced
 * atomically when a rule changed, unused sets destroyed), run in the node namespace; after each
 * step the kernel decides every probe as the reference evaluator does for the session's cluster,
 * and an established flow the policies keep allowing survives every step.
 */
@Tag("kernel")
class IptablesDeltaKernelTest {

  private static final String NODE = DeltaScenario.NODE;
  private static final CompileOptions COMPILE = CompileOptions.DEFAULTS.withNode(NODE);
  private static final BackendOptions OPTIONS = BackendOptions.DEFAULTS;

  @Test
  void deltasAppliedForRealFollowTheReferenceAfterEveryStep() throws BackendException {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "ipset", "iptables", "ip6tables", "iptables-restore",
        "ip6tables-restore", "bash");
    Cluster start = DeltaScenario.start();
    KernelLayout layout = KernelLayout.of(start);
    Backend ipt = IptablesNodeArtifacts.backend();
    try (Topology t = layout.build(Topology.Mode.BRIDGE)) {
      t.startServers(List.of(PortSpec.tcp(80), PortSpec.udp(80)), false);
      CompilerSession s = new Compiler().session(start, COMPILE);
      Artifact installed = ipt.emit(s.graph(), OPTIONS);
      run(t, installed, "apply.sh");
      assertThat(ReapplyPolicies.observedNewFlows(t, s.cluster(), layout)).as("full artifact").isEmpty();
      try (PersistentTcp kept = t.openPersistentTcp("y/a", "x/a", 80)) {
        // 1. y/b becomes a client: its group (no policy in y) is not policed, x's peer set gains it.
        installed = step(t, layout, ipt, s, installed, "y/b becomes a client", true,
            new ClusterChange.PodUpserted(DeltaScenario.relabel(s, "y/b", Map.of("pod", "b", "role", "client"))));
        // 2. x/c turns db: it joins x/b's group (its sets and self rules change) and leaves the web peers.
        installed = step(t, layout, ipt, s, installed, "x/c joins the db group", false,
            new ClusterChange.PodUpserted(DeltaScenario.relabel(s, "x/c", Map.of("pod", "c", "tier", "db"))));
        // 3. y gets isolated: new chains and sets.
        installed = step(t, layout, ipt, s, installed, "policy y/from-db added", false,
            new ClusterChange.PolicyUpserted(DeltaScenario.yFromDb()));
        // 4. x's db pods lose their extra ingress: chains and a set go.
        installed = step(t, layout, ipt, s, installed, "policy x/db-from-web removed", false,
            new ClusterChange.PolicyRemoved("x", "db-from-web"));
        assertThat(kept.stillAlive()).as("established y/a -> x/a, allowed throughout: " + kept.stderr()).isTrue();
        // 5. y is no longer ns=y: x stops accepting its clients.
        step(t, layout, ipt, s, installed, "namespace y relabelled", false,
            new ClusterChange.NamespaceUpserted(Namespace.of("y", Map.of("ns", "z"))));
      }
    }
  }

  /** Applies one change's delta in the node namespace and compares the kernel with the reference. */
  private static Artifact step(Topology t, KernelLayout layout, Backend ipt, CompilerSession s, Artifact installed,
      String what, boolean fastPath, ClusterChange change) throws BackendException {
    GraphUpdate u = s.apply(List.of(change));
    Delta d = ipt.update(installed, u, OPTIONS);
    String shown = String.join("\n", d.files().values());
    if (fastPath) {
      assertThat(d.files().keySet()).as("%s: sets only", what).containsExactly("delta-1-ipset.restore",
          "delta-apply.sh");
      assertThat(d.files().get("delta-1-ipset.restore").lines().filter(l -> !l.startsWith("#"))
          .allMatch(l -> l.startsWith("add ") || l.startsWith("del "))).as("%s: only add/del:%n%s", what, shown)
          .isTrue();
    } else {
      assertThat(d.files()).as("%s: a delta, not the full artifact", what).containsKey("delta-apply.sh");
    }
    run(t, new Artifact(d.backend(), d.files()), "delta-apply.sh");
    assertThat(ReapplyPolicies.observedNewFlows(t, s.cluster(), layout)).as("%s, delta:%n%s", what, shown)
        .isEmpty();
    return ipt.emit(s.graph(), OPTIONS);
  }

  /** Writes the files to a temporary directory and runs {@code script} of them in the node namespace. */
  private static void run(Topology t, Artifact files, String script) {
    Path dir;
    try {
      dir = Files.createTempDirectory("np-ipt-delta-");
      for (Map.Entry<String, String> f : files.files().entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      CommandResult r = t.exec(Duration.ofSeconds(60), "", NODE, "bash", dir.resolve(script).toString());
      assertThat(r.ok()).as("%s: %s", script, r.describe()).isTrue();
    } finally {
      try (var files2 = Files.list(dir)) {
        for (Path f : files2.toList()) {
          Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // a leftover temporary directory is harmless
      }
    }
  }
}
