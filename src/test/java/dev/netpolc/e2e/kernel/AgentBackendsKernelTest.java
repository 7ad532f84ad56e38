package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.agent.Agent;
import dev.netpolc.agent.AgentMetrics;
import dev.netpolc.agent.EbpfApplier;
import dev.netpolc.agent.IptablesApplier;
import dev.netpolc.agent.NftablesApplier;
import dev.netpolc.agent.RuleApplier;
import dev.netpolc.agent.StartupCheck;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.ebpf.EbpfBackend;
import dev.netpolc.backend.iptables.IptablesBackend;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Probe;
import dev.netpolc.kernel.Prober;
import dev.netpolc.kernel.Reachability;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * {@code netpolc agent} with each backend on a live node: the agent watches a mock API server
 * (CRUD mode) and applies its rules in the harness's node namespace (through
 * {@code ip netns exec NODE}); after each API write (a policy created, edited and deleted, a pod
 * relabelled) real TCP and UDP probes between the pods decide as the reference evaluator does.
 * Restarts: an agent started over its predecessor's rules reads them back and finds them equal
 * to its compile (and finds drift when the cluster changed while no agent ran), and the traffic
 * stays enforced throughout; an {@code nft} that fails once is followed by a full replacement.
 * Prints the time from each API write to its rules in the kernel (reported, not asserted).
 */
@Tag("kernel")
class AgentBackendsKernelTest {
  private static final String NODE = DeltaScenario.NODE;
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  /** x's pods also take UDP 80 from y's clients: the edit of {@link DeltaScenario#FROM_CLIENTS}. */
  private static final String FROM_CLIENTS_UDP = DeltaScenario.FROM_CLIENTS.replace(
      "- {port: 80, protocol: TCP}", "- {port: 80, protocol: TCP}\n    - {port: 80, protocol: UDP}");

  @AfterAll
  static void unmount() {
    EbpfDatapath.closeShared();
  }

  @Test
  void iptablesAgentEnforcesEachChangeAndReadsItsRulesBack() throws Exception {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "conntrack", "ipset", "iptables", "ip6tables",
        "iptables-save", "ip6tables-save", "iptables-restore", "ip6tables-restore", "bash");
    try (Scenario s = new Scenario()) {
      s.lifecycle("iptables", new IptablesBackend(), BackendOptions.DEFAULTS,
          t -> new IptablesApplier(List.of("ip", "netns", "exec", t.nodeNamespace(NODE)), "netpolc"));
      assertThat(s.topology.exec(NODE, "iptables-save").orThrow().stdout()).as("cleanup on exit")
          .doesNotContain("NETPOLC-");
      assertThat(s.topology.exec(NODE, "ipset", "list", "-n").orThrow().stdout()).doesNotContain("NETPOLC-");
    }
  }

  @Test
  void ebpfAgentEnforcesEachChangeAndReadsItsMapsBack() throws Exception {
    List<String> tools = new ArrayList<>(List.of(KernelSupport.ROOT, "ip", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "conntrack", "nft"));
    tools.addAll(List.of(EbpfDatapath.TOOLS));
    KernelSupport.assumeAvailable(tools.toArray(String[]::new));
    EbpfDatapath d = EbpfDatapath.shared();
    try (Scenario s = new Scenario()) {
      d.forgetOtherTopologies(s.topology);
      String pins = d.pinDir(s.topology, NODE).toString();
      Function<Topology, RuleApplier> applier = t -> new EbpfApplier(List.of("ip", "netns", "exec",
          t.nodeNamespace(NODE)), EbpfDatapath.sources().resolve("netpolc-ebpf"), d.object(), pins, java.util.regex.Pattern.compile("veth.+"));
      // The pattern finds exactly the pods' host-side veths the harness made.
      assertThat(new TreeSet<>(d.hostVeths(s.topology, NODE).values())).as("pod interfaces")
          .containsExactlyElementsOf(new TreeSet<>(vethsOf(s.topology)));
      s.lifecycle("ebpf", new EbpfBackend(), BackendOptions.DEFAULTS.with("pinDir", pins), applier);
      assertThat(Files.exists(Path.of(pins))).as("cleanup on exit removed the pins").isFalse();
    }
  }

  @Test
  void aRestartedAgentKeepsTheRulesInForceThroughout() throws Exception {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "conntrack");
    try (Scenario s = new Scenario()) {
      Function<Topology, RuleApplier> nft = t -> new NftablesApplier(List.of("ip", "netns", "exec",
          t.nodeNamespace(NODE), "nft"), "netpolc");
      Agent a = s.agent(new NftablesBackend(), BackendOptions.DEFAULTS, nft.apply(s.topology), false);
      a.start();
      s.awaitEnforced(a, "nftables", "start");
      s.expectProbesAgree("agent A");
      a.close();
      // y/a (a client) may reach x/a on TCP 80, y/b may not: probed without pause from before agent B
      // starts until after its first apply.
      Probe allowed = new Probe("y/a", "x/a", Protocol.TCP, 80, Family.V4);
      Probe denied = new Probe("y/b", "x/a", Protocol.TCP, 80, Family.V4);
      List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean probing = new AtomicBoolean(true);
      java.util.concurrent.atomic.AtomicInteger rounds = new java.util.concurrent.atomic.AtomicInteger();
      Thread prober = new Thread(() -> {
        while (probing.get()) {
          try {
            Reachability r = Prober.probe(s.topology, List.of(allowed, denied));
            rounds.incrementAndGet();
            if (!r.reachable(allowed) || r.reachable(denied)) {
              wrong.add("round " + rounds.get() + ": allowed " + r.reachable(allowed) + ", denied "
                  + r.reachable(denied));
            }
          } catch (RuntimeException e) {
            wrong.add("the prober failed: " + e);
            return;
          }
        }
      }, "agent-restart-prober");
      prober.start();
      // A restart takes less than one probe round (a denied probe waits out its timeout): rounds
      // complete before agent B starts, one overlaps its start, and two more complete after.
      awaitRounds(rounds, 1);
      Agent b = s.agent(new NftablesBackend(), BackendOptions.DEFAULTS, nft.apply(s.topology), true);
      int before;
      try {
        before = rounds.get();
        b.start();
        s.awaitEnforced(b, "nftables", "restart over installed rules");
        awaitRounds(rounds, before + 2);
      } finally {
        probing.set(false);
        prober.join();
      }
      assertThat(rounds.get()).as("probe rounds across the restart").isGreaterThanOrEqualTo(before + 2);
      assertThat(wrong).as("probes across the restart; log:%n%s", s.log()).isEmpty();
      assertThat(b.startupCheck()).as("agent B's start-up comparison").get()
          .extracting(StartupCheck::result).isEqualTo(StartupCheck.Result.MATCH);
      s.expectProbesAgree("agent B");
      b.close();
    }
  }

  @Test
  void anApplyMadeToFailIsRetriedWithAFullReplacement() throws Exception {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "conntrack", "sh");
    Path dir = Files.createTempDirectory("netpolc-failing-nft-");
    Path armed = dir.resolve("armed");
    Path wrapper = dir.resolve("nft");
    // nft, except once after the test arms it: then it fails as a broken nft would, applying nothing.
    Files.writeString(wrapper, "#!/bin/sh\nif [ -e " + armed + " ]; then rm -f " + armed
        + "; echo 'nft: injected failure' >&2; exit 1; fi\nexec nft \"$@\"\n");
    try (Scenario s = new Scenario()) {
      Agent a = s.agent(new NftablesBackend(), BackendOptions.DEFAULTS, new NftablesApplier(List.of("ip", "netns",
          "exec", s.topology.nodeNamespace(NODE), "sh", wrapper.toString()), "netpolc"), true);
      try {
        a.start();
        s.awaitEnforced(a, "nftables", "start");
        long failuresBefore = a.snapshot().failures();
        Files.writeString(armed, "");
        s.put("np y/from-db", DeltaScenario.Y_FROM_DB);
        s.awaitEnforced(a, "nftables", "policy created, first apply failed");
        assertThat(Files.exists(armed)).as("the failing nft ran").isFalse();
        assertThat(a.snapshot().failures()).isEqualTo(failuresBefore + 1);
        assertThat(a.snapshot().full()).as("the retry is a full replacement").isTrue();
        assertThat(s.log()).contains("apply failed; the kernel keeps the last rules").contains("injected failure");
        s.expectProbesAgree("after the retry");
      } finally {
        a.close();
      }
    } finally {
      Files.deleteIfExists(armed);
      Files.deleteIfExists(wrapper);
      Files.deleteIfExists(dir);
    }
  }

  /** Waits (at most a minute) until {@code rounds} reaches {@code n}. */
  private static void awaitRounds(java.util.concurrent.atomic.AtomicInteger rounds, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    while (rounds.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private static List<String> vethsOf(Topology t) {
    List<String> out = new ArrayList<>();
    for (String line : t.exec(NODE, "ip", "-o", "link", "show").orThrow().stdout().split("\n")) {
      String[] f = line.split(":\\s+", 3);
      if (f.length >= 2 && f[1].replaceAll("@.*", "").matches("veth.+")) {
        out.add(f[1].replaceAll("@.*", ""));
      }
    }
    return out;
  }

  /** DeltaScenario's cluster in a mock API server and a node namespace, and the steps every backend goes through. */
  private static final class Scenario implements AutoCloseable {
    final Map<String, String> docs = new LinkedHashMap<>();
    final KubernetesMockServer server;
    final NamespacedKubernetesClient client;
    final Topology topology;
    final KernelLayout layout;
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    Scenario() {
      docs.put("ns x", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {ns: x}}\n");
      docs.put("ns y", "apiVersion: v1\nkind: Namespace\nmetadata: {name: y, labels: {ns: y}}\n");
      docs.put("pod x/a", pod("x", "a", "{pod: a, tier: web}", 10));
      docs.put("pod x/b", pod("x", "b", "{pod: b, tier: db}", 11));
      docs.put("pod x/c", pod("x", "c", "{pod: c, tier: web}", 12));
      docs.put("pod y/a", pod("y", "a", "{pod: a, role: client}", 13));
      docs.put("pod y/b", pod("y", "b", "{pod: b}", 14));
      docs.put("np x/from-clients", DeltaScenario.FROM_CLIENTS);
      layout = KernelLayout.of(cluster());
      server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
          new KubernetesCrudDispatcher(), false);
      server.init();
      client = server.createClient();
      topology = layout.build(Topology.Mode.BRIDGE);
      topology.startServers(List.of(PortSpec.tcp(80), PortSpec.udp(80)), false);
      docs.values().forEach(y -> client.resource(y).create());
    }

    Cluster cluster() {
      ReadResult r = new PolicyReader().readString("agent-backends.yaml", String.join("\n---\n", docs.values()));
      assertThat(r.errors()).isEmpty();
      return r.cluster();
    }

    String log() {
      return logBytes.toString(StandardCharsets.UTF_8);
    }

    Agent agent(Backend backend, BackendOptions options, RuleApplier applier, boolean cleanupOnExit) {
      return new Agent(client, new Agent.Settings(NODE, backend, options, cleanupOnExit, false,
          Duration.ofSeconds(30)), applier, new AgentMetrics(), new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    }

    void put(String key, String yaml) {
      boolean existed = docs.containsKey(key);
      docs.put(key, yaml);
      if (existed) {
        client.resource(yaml).update();
      } else {
        client.resource(yaml).create();
      }
    }

    void delete(String key) {
      client.resource(docs.remove(key)).delete();
    }

    /**
     * Start, then each change through the API, each enforced as the reference decides; then a
     * restart over the installed rules (a match), a policy deleted while no agent ran and a
     * third agent (drift, then enforced); that agent removes its rules on exit.
     */
    void lifecycle(String name, Backend backend, BackendOptions options, Function<Topology, RuleApplier> applier)
        throws Exception {
      Agent a = agent(backend, options, applier.apply(topology), false);
      try {
        a.start();
        awaitEnforced(a, name, "start (sync, read-back, full replacement)");
        assertThat(a.startupCheck()).get().extracting(StartupCheck::result).isEqualTo(StartupCheck.Result.EMPTY);
        expectProbesAgree("start");

        put("np y/from-db", DeltaScenario.Y_FROM_DB);
        awaitEnforced(a, name, "policy created");
        expectProbesAgree("policy created");

        put("np x/from-clients", FROM_CLIENTS_UDP);
        awaitEnforced(a, name, "policy edited");
        expectProbesAgree("policy edited");

        put("pod y/b", pod("y", "b", "{pod: b, role: client}", 14));
        awaitEnforced(a, name, "pod relabelled");
        expectProbesAgree("pod relabelled");

        delete("np y/from-db");
        awaitEnforced(a, name, "policy deleted");
        expectProbesAgree("policy deleted");
        assertThat(log()).contains("mode=incremental");
      } finally {
        a.close();
      }
      Agent b = agent(backend, options, applier.apply(topology), false);
      try {
        b.start();
        awaitEnforced(b, name, "restart over its own rules");
        assertThat(b.startupCheck()).as("log:%n%s", log()).get().extracting(StartupCheck::result)
            .isEqualTo(StartupCheck.Result.MATCH);
        assertThat(b.startupCheck().get().probes()).isPositive();
      } finally {
        b.close();
      }
      // While no agent runs, x opens to everyone.
      delete("np x/from-clients");
      Agent c = agent(backend, options, applier.apply(topology), true);
      try {
        c.start();
        awaitEnforced(c, name, "restart after a change while stopped");
        assertThat(c.startupCheck()).get().extracting(StartupCheck::result).isEqualTo(StartupCheck.Result.DRIFT);
        expectProbesAgree("restart after a change while stopped");
      } finally {
        c.close();
      }
    }

    void expectProbesAgree(String step) {
      Cluster c = cluster();
      assertThat(ReapplyPolicies.observedNewFlows(topology, c, layout)).as("%s; log:%n%s", step, log()).isEmpty();
    }

    /** Waits until the agent's last apply enforces the expected objects; prints the time it took. */
    void awaitEnforced(Agent agent, String backend, String step) throws InterruptedException {
      long t0 = System.nanoTime();
      String want = summary(cluster());
      long deadline = t0 + CONVERGE.toNanos();
      while (!agent.ready() || !summary(agent.snapshot().cluster()).equals(want)) {
        assertThat(System.nanoTime()).as("the agent enforcing %s; log:%n%s", step, log()).isLessThan(deadline);
        Thread.sleep(5);
      }
      System.out.printf("agent backends kernel test: %s: %s: API write to rules in the kernel %.1f ms%n", backend,
          step, (System.nanoTime() - t0) / 1e6);
    }

    @Override
    public void close() {
      // The agents' own lines (start-up comparisons, applies with their timings), for the report.
      log().lines().filter(l -> l.contains("msg=\"the kernel") || l.contains("msg=applied")
          || l.contains("level=error")).forEach(l -> System.out.println("agent log: " + l));
      try {
        topology.close();
      } finally {
        client.close();
        server.destroy();
      }
    }
  }

  private static String summary(Cluster c) {
    TreeSet<String> s = new TreeSet<>();
    c.namespaces().forEach(n -> s.add("ns " + n.name() + " " + n.labels()));
    c.pods().forEach(p -> s.add("pod " + p.key() + " " + p.labels() + " " + p.ips()));
    c.policies().forEach(p -> s.add("np " + p.key() + " " + dev.netpolc.model.NetworkPolicy.of(p.namespace(),
        p.name(), p.podSelector(), p.policyTypes(), p.ingress(), p.egress())));
    return String.join("\n", s);
  }

  /** The pods of {@link DeltaScenario}: dual-stack, on {@link #NODE}. */
  private static String pod(String ns, String name, String labels, int ip) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {namespace: " + ns + ", name: " + name + ", labels: " + labels
        + "}\nspec: {nodeName: " + NODE + ", containers: [{name: main, image: pause}]}\n"
        + "status: {phase: Running, podIPs: [{ip: 198.18.0." + ip + "}, {ip: \"fd00::" + ip + "\"}]}\n";
  }
}
