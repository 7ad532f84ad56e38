package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.agent.Agent;
import dev.netpolc.agent.AgentMetrics;
import dev.netpolc.agent.NftablesApplier;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code netpolc agent} on a live node: the agent watches a mock API server (CRUD mode) and
 * applies nftables with {@code ip netns exec NODE nft -f -} in the harness's node namespace; after
 * the start, a policy created and a pod relabelled, real TCP and UDP probes between the pods
 * decide as the reference evaluator does on the cluster the test wrote. Prints the time from each
 * API write to its rules in the kernel (reported, not asserted).
 */
@Tag("kernel")
class AgentKernelTest {
  private static final String NODE = DeltaScenario.NODE;

  @Test
  void theAgentEnforcesEachChangeAsTheReferenceDecides() throws Exception {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "conntrack");
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("ns x", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {ns: x}}\n");
    docs.put("ns y", "apiVersion: v1\nkind: Namespace\nmetadata: {name: y, labels: {ns: y}}\n");
    docs.put("pod x/a", pod("x", "a", "{pod: a, tier: web}", 10));
    docs.put("pod x/b", pod("x", "b", "{pod: b, tier: db}", 11));
    docs.put("pod x/c", pod("x", "c", "{pod: c, tier: web}", 12));
    docs.put("pod y/a", pod("y", "a", "{pod: a, role: client}", 13));
    docs.put("pod y/b", pod("y", "b", "{pod: b}", 14));
    docs.put("np x/from-clients", DeltaScenario.FROM_CLIENTS);
    Cluster start = read(docs);
    KernelLayout layout = KernelLayout.of(start);
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Topology topology = layout.build(Topology.Mode.BRIDGE);
        NamespacedKubernetesClient client = server.createClient()) {
      topology.startServers(List.of(PortSpec.tcp(80), PortSpec.udp(80)), false);
      docs.values().forEach(y -> client.resource(y).create());
      Agent agent = new Agent(client, new Agent.Settings(NODE, new NftablesBackend(), BackendOptions.DEFAULTS, true,
          false, Duration.ofSeconds(30)), new NftablesApplier(List.of("ip", "netns", "exec",
              topology.nodeNamespace(NODE), "nft"), "netpolc"), new AgentMetrics(),
          new PrintStream(log, true, StandardCharsets.UTF_8));
      try {
        long t0 = System.nanoTime();
        agent.start();
        report("start (sync + full replacement)", awaitEnforced(agent, start, t0, log));
        assertThat(ReapplyPolicies.observedNewFlows(topology, start, layout)).as("start").isEmpty();

        // y gets isolated: only x's db pods get in.
        docs.put("np y/from-db", DeltaScenario.Y_FROM_DB);
        t0 = System.nanoTime();
        client.resource(DeltaScenario.Y_FROM_DB).create();
        Cluster c = read(docs);
        report("policy created", awaitEnforced(agent, c, t0, log));
        assertThat(ReapplyPolicies.observedNewFlows(topology, c, layout)).as("policy created").isEmpty();

        // y/b becomes a client of x.
        String relabelled = pod("y", "b", "{pod: b, role: client}", 14);
        docs.put("pod y/b", relabelled);
        t0 = System.nanoTime();
        client.resource(relabelled).update();
        c = read(docs);
        report("pod relabelled", awaitEnforced(agent, c, t0, log));
        assertThat(ReapplyPolicies.observedNewFlows(topology, c, layout)).as("pod relabelled").isEmpty();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("mode=full").contains("mode=incremental");
      } finally {
        agent.close();
        server.destroy();
      }
      assertThat(topology.listNftables(NODE)).as("--cleanup-on-exit removed the table")
          .doesNotContain("table inet netpolc {");
    }
  }

  static void report(String step, Duration d) {
    System.out.printf("agent kernel test: %s: API write to rules in the kernel %.1f ms%n", step, d.toNanos() / 1e6);
  }

  /** Waits until the agent's last apply enforces {@code want}'s objects; returns the time since {@code t0}. */
  static Duration awaitEnforced(Agent agent, Cluster want, long t0, ByteArrayOutputStream log)
      throws InterruptedException {
    long deadline = t0 + Duration.ofSeconds(60).toNanos();
    while (!summary(agent.snapshot().cluster()).equals(summary(want))) {
      assertThat(System.nanoTime()).as("the agent enforcing the change; log:%n%s", log).isLessThan(deadline);
      Thread.sleep(5);
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  static String summary(Cluster c) {
    TreeSet<String> s = new TreeSet<>();
    c.namespaces().forEach(n -> s.add("ns " + n.name() + " " + n.labels()));
    c.pods().forEach(p -> s.add("pod " + p.key() + " " + p.labels() + " " + p.ips()));
    c.policies().forEach(p -> s.add("np " + p.key() + " " + dev.netpolc.model.NetworkPolicy.of(p.namespace(),
        p.name(), p.podSelector(), p.policyTypes(), p.ingress(), p.egress())));
    c.calico().policies().forEach(p -> s.add("calico " + render(p)));
    c.calico().tiers().forEach(t -> s.add("tier " + render(t)));
    c.cilium().policies().forEach(p -> s.add("cilium " + render(p)));
    return String.join("\n", s);
  }

  /** A model object as text without source positions (they differ between two reads): records by component. */
  private static String render(Object o) {
    if (o instanceof Record r) {
      StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append('(');
      for (var c : r.getClass().getRecordComponents()) {
        if (c.getType() == dev.netpolc.model.SourceMap.class || c.getType() == dev.netpolc.model.SourcePosition.class) {
          continue;
        }
        try {
          b.append(c.getName()).append('=').append(render(c.getAccessor().invoke(r))).append(' ');
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return b.append(')').toString();
    } else if (o instanceof java.util.Collection<?> c) {
      return "[" + String.join(", ", c.stream().map(AgentKernelTest::render).toList()) + "]";
    } else if (o instanceof Map<?, ?> m) {
      return "{" + String.join(", ", m.entrySet().stream().map(e -> render(e.getKey()) + "=" + render(e.getValue()))
          .toList()) + "}";
    } else if (o instanceof java.util.Optional<?> opt) {
      return opt.map(AgentKernelTest::render).orElse("-");
    }
    return String.valueOf(o);
  }

  static Cluster read(Map<String, String> docs) {
    ReadResult r = new PolicyReader().readString("agent-kernel.yaml", String.join("\n---\n", docs.values()));
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  /** The pods of {@link DeltaScenario}: dual-stack, on {@link #NODE}. */
  static String pod(String ns, String name, String labels, int ip) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {namespace: " + ns + ", name: " + name + ", labels: " + labels
        + "}\nspec: {nodeName: " + NODE + ", containers: [{name: main, image: pause}]}\n"
        + "status: {phase: Running, podIPs: [{ip: 198.18.0." + ip + "}, {ip: \"fd00::" + ip + "\"}]}\n";
  }
}
