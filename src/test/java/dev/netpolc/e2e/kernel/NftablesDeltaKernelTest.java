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
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PersistentTcp;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Incremental updates on a live node: a {@link CompilerSession} turns cluster changes into
 * nftables deltas, the deltas go into the node namespace with {@code nft -f}, and after each step
 * the kernel decides every probe as the reference evaluator does for the session's cluster. Then
 * the conntrack option: an established flow that a policy change denies is cut once the delta's
 * {@code conntrack.sh} ran, one that stays allowed survives; without the option the denied flow
 * survives (documented: {@code ct state established} is accepted before any policy).
 *
 * <p>One bridge topology (five pods on one node) serves both tests.
 */
@Tag("kernel")
class NftablesDeltaKernelTest {

  private static final String NODE = DeltaScenario.NODE;
  private static final CompileOptions COMPILE = CompileOptions.DEFAULTS.withNode(NODE);
  private static final BackendOptions PLAIN = BackendOptions.DEFAULTS;
  private static final BackendOptions CONNTRACK = BackendOptions.DEFAULTS.with("conntrack", "true");

  /** The conntrack test's policy change: the scenario's from-clients, narrowed to y/a. */
  private static final String FROM_CLIENT_A = DeltaScenario.FROM_CLIENTS
      .replace("{role: client}", "{role: client, pod: a}");

  private static Cluster start;
  private static KernelLayout layout;
  private static Topology topology;

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "conntrack");
    start = DeltaScenario.start();
    layout = KernelLayout.of(start);
    topology = layout.build(Topology.Mode.BRIDGE);
    topology.startServers(List.of(dev.netpolc.kernel.PortSpec.tcp(80), dev.netpolc.kernel.PortSpec.udp(80)), false);
  }

  @AfterAll
  static void close() {
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  void deltasAppliedWithNftFollowTheReferenceAfterEveryStep() throws BackendException {
    Backend nft = NodeRulesets.backend();
    CompilerSession s = new Compiler().session(start, COMPILE);
    Artifact installed = nft.emit(s.graph(), PLAIN);
    topology.loadNftables(NODE, installed.primary());
    assertThat(ReapplyPolicies.observedNewFlows(topology, s.cluster(), layout)).as("full ruleset").isEmpty();

    // 1. y/b becomes a client: its group (no policy in y) stays, x's peer set gains its addresses.
    installed = step(nft, s, installed, "y/b becomes a client", true,
        new ClusterChange.PodUpserted(DeltaScenario.relabel(s, "y/b", Map.of("pod", "b", "role", "client"))));
    // 2. x/c turns db: it joins x/b's group and leaves the web peer set (x/a stays in it).
    installed = step(nft, s, installed, "x/c joins the db group", true,
        new ClusterChange.PodUpserted(DeltaScenario.relabel(s, "x/c", Map.of("pod", "c", "tier", "db"))));
    // 3. y gets isolated.
    installed = step(nft, s, installed, "policy y/from-db added", false,
        new ClusterChange.PolicyUpserted(DeltaScenario.yFromDb()));
    // 4. x's db pods lose their extra ingress.
    installed = step(nft, s, installed, "policy x/db-from-web removed", false,
        new ClusterChange.PolicyRemoved("x", "db-from-web"));
    // 5. y is no longer ns=y: x stops accepting its clients.
    step(nft, s, installed, "namespace y relabelled", false,
        new ClusterChange.NamespaceUpserted(Namespace.of("y", Map.of("ns", "z"))));
  }

  @Test
  void conntrackOptionCutsEstablishedFlowsThePolicyChangeDeniesAndKeepsTheOthers() throws BackendException {
    Backend nft = NodeRulesets.backend();
    Cluster clients = withPod(start, DeltaScenario.relabel(start, "y/b", Map.of("pod", "b", "role", "client")));
    NetworkPolicy narrowed = DeltaScenario.read(FROM_CLIENT_A).policies().get(0);

    // Option off: the delta brings no conntrack.sh and the now denied flow goes on.
    CompilerSession off = new Compiler().session(clients, COMPILE);
    Artifact full = nft.emit(off.graph(), PLAIN);
    topology.loadNftables(NODE, full.primary());
    try (PersistentTcp kept = topology.openPersistentTcp("y/a", "x/a", 80);
        PersistentTcp denied = topology.openPersistentTcp("y/b", "x/a", 80)) {
      Delta d = nft.update(full, off.apply(List.of(new ClusterChange.PolicyUpserted(narrowed))), PLAIN);
      assertThat(d.files()).doesNotContainKey("conntrack.sh");
      topology.loadNftables(NODE, d.files().get("netpolc-delta.nft"));
      assertThat(kept.stillAlive()).as("option off, allowed flow y/a -> x/a: " + kept.stderr()).isTrue();
      assertThat(denied.stillAlive()).as("option off, denied flow y/b -> x/a outlives its permission").isTrue();
      assertThat(ReapplyPolicies.observedNewFlows(topology, off.cluster(), layout)).as("new connections").isEmpty();
    }

    // Option on: the same change, then conntrack.sh in the node namespace.
    CompilerSession on = new Compiler().session(clients, COMPILE);
    full = nft.emit(on.graph(), CONNTRACK);
    topology.loadNftables(NODE, full.primary());
    try (PersistentTcp kept = topology.openPersistentTcp("y/a", "x/a", 80);
        PersistentTcp denied = topology.openPersistentTcp("y/b", "x/a", 80)) {
      Delta d = nft.update(full, on.apply(List.of(new ClusterChange.PolicyUpserted(narrowed))), CONNTRACK);
      String sh = d.files().get("conntrack.sh");
      assertThat(sh).as("conntrack.sh of the delta").isNotNull();
      topology.loadNftables(NODE, d.files().get("netpolc-delta.nft"));
      topology.exec(Duration.ofSeconds(20), sh, NODE, "sh", "-s").orThrow();
      assertThat(denied.stillAlive(Duration.ofSeconds(2))).as("option on, denied flow y/b -> x/a is cut").isFalse();
      assertThat(kept.stillAlive()).as("option on, allowed flow y/a -> x/a survives:%n%s%s", kept.stderr(), sh)
          .isTrue();
      assertThat(ReapplyPolicies.observedNewFlows(topology, on.cluster(), layout)).as("new connections").isEmpty();
      assertThat(kept.stillAlive()).as("y/a -> x/a survives the probes too").isTrue();
    }
  }

  /** Applies one change, loads its delta with {@code nft -f}, and compares the kernel with the reference. */
  private static Artifact step(Backend nft, CompilerSession s, Artifact installed, String what,
      boolean fastPath, ClusterChange change) throws BackendException {
    GraphUpdate u = s.apply(List.of(change));
    assertThat(u.incremental()).as("%s: incremental (%s)", what, u.fallbackReason()).isEqualTo(fastPath);
    Delta d = nft.update(installed, u, PLAIN);
    String text = d.files().get("netpolc-delta.nft");
    if (fastPath) {
      assertThat(text.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
          .allMatch(l -> l.startsWith("add element ") || l.startsWith("delete element ")))
          .as("%s: only element changes:%n%s", what, text).isTrue();
    }
    topology.loadNftables(NODE, text);
    assertThat(ReapplyPolicies.observedNewFlows(topology, s.cluster(), layout))
        .as("%s, delta:%n%s", what, text).isEmpty();
    return nft.emit(s.graph(), PLAIN);
  }

  private static Cluster withPod(Cluster c, Pod pod) {
    List<Pod> pods = c.pods().stream().map(p -> p.key().equals(pod.key()) ? pod : p).toList();
    return new Cluster(c.namespaces(), pods, c.nodes(), c.policies());
  }
}
