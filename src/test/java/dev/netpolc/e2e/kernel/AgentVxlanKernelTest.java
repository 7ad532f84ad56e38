package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.agent.Agent;
import dev.netpolc.agent.AgentMetrics;
import dev.netpolc.agent.NftablesApplier;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.kernel.FlannelVxlan;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two agents on a Flannel-shaped network: node namespaces {@value #NODE_A} and {@value #NODE_B},
 * each with its own pod block ({@code 198.18.0.0/24}, {@code 198.18.1.0/24}, and IPv6 blocks),
 * pods attached by the CNI {@code bridge} plugin with host-local IPAM, and pod traffic between
 * the nodes carried by {@code flannel.1} VXLAN devices ({@link FlannelVxlan}; the underlay drops
 * any unencapsulated pod packet). One mock API server holds both nodes; each agent compiles for
 * its own node and applies nftables in its node namespace. After each API write (policies
 * created, edited, deleted, a pod relabelled), real TCP and UDP probes between all pods, most of
 * them crossing the overlay, decide as the reference evaluator does: egress enforced at the
 * source's node, ingress at the destination's. Then invalid NetworkPolicies: reported (log line,
 * a Kubernetes Event per agent, the rejected-objects metric), the valid policy written with them
 * enforced, and a valid policy edited into an invalid one keeps its last accepted version in
 * force. The time from each write until both agents have applied it is printed, not asserted.
 */
@Tag("kernel")
class AgentVxlanKernelTest {
  private static final String NODE_A = "node-a";
  private static final String NODE_B = "node-b";

  /** x: every pod takes TCP 80 from y's clients (ingress, enforced at the destination's node). */
  private static final String FROM_CLIENTS = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: from-clients, namespace: x}
      spec:
        podSelector: {}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: y}}
            podSelector: {matchLabels: {role: client}}
          ports:
          - {port: 80, protocol: TCP}
      """;

  /** y's clients may only open TCP 80 to x's web pods (egress, enforced at the source's node). */
  private static final String CLIENTS_OUT = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: clients-out, namespace: y}
      spec:
        podSelector: {matchLabels: {role: client}}
        policyTypes: [Egress]
        egress:
        - to:
          - namespaceSelector: {matchLabels: {ns: x}}
            podSelector: {matchLabels: {tier: web}}
          ports:
          - {port: 80, protocol: TCP}
      """;

  /** {@link #CLIENTS_OUT} edited: UDP 80 to any pod of y too. */
  private static final String CLIENTS_OUT_EDITED = CLIENTS_OUT + """
        - to:
          - podSelector: {}
          ports:
          - {port: 80, protocol: UDP}
      """;

  /** Never valid: a misspelt field. */
  private static final String BROKEN = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: broken, namespace: y}
      spec:
        podSelector: {}
        ingres:
        - {}
      """;

  /** Valid, written together with {@link #BROKEN}: x's db pods take nothing. */
  private static final String DB_ISOLATED = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db-isolated, namespace: x}
      spec:
        podSelector: {matchLabels: {tier: db}}
        policyTypes: [Ingress]
      """;

  /**
   * {@link #FROM_CLIENTS} edited into an object the model rejects (an unknown operator). Were it
   * read leniently, dropping the selector term, every pod of y would get in.
   */
  private static final String FROM_CLIENTS_INVALID = FROM_CLIENTS.replace(
      "podSelector: {matchLabels: {role: client}}",
      "podSelector: {matchExpressions: [{key: role, operator: Near, values: [client]}]}");

  @Test
  void twoAgentsEnforceCrossNodeTrafficOverFlannelVxlanAsTheReferenceDecides() throws Exception {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", "bridge", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft", "conntrack");
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("node a", node(NODE_A, "198.19.255.1", "198.18.0.0/24"));
    docs.put("node b", node(NODE_B, "198.19.255.2", "198.18.1.0/24"));
    docs.put("ns x", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {ns: x}}\n");
    docs.put("ns y", "apiVersion: v1\nkind: Namespace\nmetadata: {name: y, labels: {ns: y}}\n");
    List<String[]> pods = List.of(
        new String[] {"x", "a", "{pod: a, tier: web}", NODE_A, "0.10"},
        new String[] {"x", "b", "{pod: b, tier: db}", NODE_A, "0.11"},
        new String[] {"y", "a", "{pod: a, role: client}", NODE_A, "0.12"},
        new String[] {"x", "c", "{pod: c, tier: web}", NODE_B, "1.10"},
        new String[] {"y", "b", "{pod: b}", NODE_B, "1.11"},
        new String[] {"y", "c", "{pod: c, role: client}", NODE_B, "1.12"});
    Topology.Builder tb = Topology.builder().mode(Topology.Mode.BRIDGE)
        .node(NODE_A, "198.18.0.0/24", "fd00::/64").node(NODE_B, "198.18.1.0/24", "fd00:0:0:1::/64");
    List<KernelLayout.LayoutPod> layoutPods = new ArrayList<>();
    for (String[] p : pods) {
      docs.put("pod " + p[0] + "/" + p[1], pod(p[0], p[1], p[2], p[3], p[4]));
      tb.pod(p[0] + "/" + p[1], p[3], v4(p[4]), v6(p[4]));
      layoutPods.add(new KernelLayout.LayoutPod(p[0] + "/" + p[1], p[3], IpAddress.parse(v4(p[4])),
          IpAddress.parse(v6(p[4]))));
    }
    layoutPods.sort(java.util.Comparator.comparing(KernelLayout.LayoutPod::key));
    KernelLayout layout = new KernelLayout(List.of(NODE_A, NODE_B), layoutPods, Map.of(), false);
    docs.put("np x/from-clients", FROM_CLIENTS);

    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    List<NodeAgent> agents = new ArrayList<>();
    try (Topology topology = tb.build(); NamespacedKubernetesClient client = server.createClient()) {
      FlannelVxlan vxlan = FlannelVxlan.install(topology);
      topology.startServers(List.of(PortSpec.tcp(80), PortSpec.udp(80)), false);
      docs.values().forEach(y -> client.resource(y).create());
      for (String node : List.of(NODE_A, NODE_B)) {
        agents.add(new NodeAgent(node, server.createClient(), topology.nodeNamespace(node)));
      }
      try {
        long t0 = System.nanoTime();
        for (NodeAgent a : agents) {
          a.agent.start();
        }
        Cluster c = read(docs);
        report("start (sync + full replacement)", awaitEnforced(agents, c, t0));
        checkProbes(topology, c, layout, "start");
        FlannelVxlan.UnderlayCounts counts = vxlan.underlayCounts();
        assertThat(counts.vxlan()).as("pod traffic between the nodes crossed in VXLAN; routes on %s:%n%s", NODE_A,
            vxlan.routes(NODE_A)).isPositive();
        assertThat(counts.leaked()).as("pod packets on the underlay outside VXLAN").isZero();

        c = write(client, docs, "np y/clients-out", CLIENTS_OUT);
        report("egress policy created", awaitEnforced(agents, c, lastWrite));
        checkProbes(topology, c, layout, "egress policy created");

        c = write(client, docs, "np y/clients-out", CLIENTS_OUT_EDITED);
        report("egress policy edited", awaitEnforced(agents, c, lastWrite));
        checkProbes(topology, c, layout, "egress policy edited");

        c = write(client, docs, "pod y/b", pod("y", "b", "{pod: b, role: client}", NODE_B, "1.11"));
        report("pod relabelled", awaitEnforced(agents, c, lastWrite));
        checkProbes(topology, c, layout, "pod relabelled");

        // An invalid policy next to a valid one: the valid one is enforced, the invalid one reported.
        t0 = System.nanoTime();
        client.resource(BROKEN).create();
        c = write(client, docs, "np x/db-isolated", DB_ISOLATED);
        report("invalid policy and a valid one created", awaitEnforced(agents, c, t0));
        awaitRejected(agents, "object=y/broken kept=\"none (never accepted)\"", t0);
        checkProbes(topology, c, layout, "invalid policy and a valid one created");

        // A valid policy edited into an invalid one: its last accepted version stays in force.
        t0 = System.nanoTime();
        client.resource(FROM_CLIENTS_INVALID).update();
        report("policy edited into an invalid one (rejection reported)",
            awaitRejected(agents, "object=x/from-clients kept=\"last accepted version\"", t0));
        assertThat(agents).allMatch(a -> summary(a.agent.snapshot().cluster()).equals(summary(read(docs))));
        checkProbes(topology, read(docs), layout, "policy edited into an invalid one");
        for (NodeAgent a : agents) {
          assertThat(rejected(a.metrics)).as("rejected objects on %s", a.node).isEqualTo(2.0);
        }
        List<Event> events = client.v1().events().inAnyNamespace().list().getItems();
        for (String name : List.of("broken", "from-clients")) {
          assertThat(events).as("Events on %s", name)
              .filteredOn(e -> e.getInvolvedObject().getName().equals(name))
              .allMatch(e -> e.getReason().equals("NetpolcRejected") && e.getType().equals("Warning"))
              .extracting(e -> e.getSource().getHost()).containsExactlyInAnyOrder(NODE_A, NODE_B);
        }

        docs.remove("np y/clients-out");
        t0 = System.nanoTime();
        client.resource(CLIENTS_OUT_EDITED).delete();
        c = read(docs);
        report("egress policy deleted", awaitEnforced(agents, c, t0));
        checkProbes(topology, c, layout, "egress policy deleted");
        assertThat(vxlan.underlayCounts().leaked()).as("pod packets on the underlay outside VXLAN").isZero();
        for (NodeAgent a : agents) {
          assertThat(a.log()).contains("mode=full").contains("mode=incremental");
        }
      } finally {
        agents.forEach(NodeAgent::close);
        server.destroy();
      }
      for (String node : List.of(NODE_A, NODE_B)) {
        assertThat(topology.listNftables(node)).as("--cleanup-on-exit on %s", node)
            .doesNotContain("table inet netpolc {");
      }
    }
  }

  /** One node's agent: its own client, metrics and log; nft runs in its node namespace. */
  private static final class NodeAgent implements AutoCloseable {
    final String node;
    final NamespacedKubernetesClient client;
    final AgentMetrics metrics = new AgentMetrics();
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final Agent agent;

    NodeAgent(String node, NamespacedKubernetesClient client, String netns) {
      this.node = node;
      this.client = client;
      this.agent = new Agent(client, new Agent.Settings(node, new NftablesBackend(), BackendOptions.DEFAULTS, true,
          true, Duration.ofSeconds(30)), new NftablesApplier(List.of("ip", "netns", "exec", netns, "nft"), "netpolc"),
          metrics, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    }

    String log() {
      return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      agent.close();
      client.close();
    }
  }

  private long lastWrite;

  /** Creates or replaces {@code yaml} on the server (timing from here) and returns the expected cluster. */
  private Cluster write(NamespacedKubernetesClient client, Map<String, String> docs, String key, String yaml) {
    docs.put(key, yaml);
    Cluster want = read(docs);
    lastWrite = System.nanoTime();
    client.resource(yaml).createOr(r -> r.update());
    return want;
  }

  private static void checkProbes(Topology t, Cluster c, KernelLayout layout, String step) {
    assertThat(ReapplyPolicies.observedNewFlows(t, c, layout)).as("%s: kernel vs the reference", step).isEmpty();
  }

  private static void report(String step, Duration d) {
    System.out.printf("agent VXLAN kernel test: %s: API write to rules applied on both nodes %.1f ms%n", step,
        d.toNanos() / 1e6);
  }

  /** Waits until every agent's last apply enforces {@code want}; returns the time since {@code t0}. */
  private static Duration awaitEnforced(List<NodeAgent> agents, Cluster want, long t0) throws InterruptedException {
    String s = summary(want);
    return await(agents, a -> summary(a.agent.snapshot().cluster()).equals(s), t0, "enforcing the change");
  }

  /** Waits until every agent logged a rejection line containing {@code fragment}. */
  private static Duration awaitRejected(List<NodeAgent> agents, String fragment, long t0) throws InterruptedException {
    return await(agents, a -> a.log().lines().anyMatch(l -> l.contains("msg=\"object rejected\"")
        && l.contains(fragment)), t0, "reporting " + fragment);
  }

  private static Duration await(List<NodeAgent> agents, Predicate<NodeAgent> done, long t0, String what)
      throws InterruptedException {
    long deadline = t0 + Duration.ofSeconds(60).toNanos();
    for (NodeAgent a : agents) {
      while (!done.test(a)) {
        assertThat(System.nanoTime()).as("the agent on %s %s; log:%n%s", a.node, what, a.log()).isLessThan(deadline);
        Thread.sleep(5);
      }
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** The agent's {@code netpolc_agent_rejected_objects_total}, all kinds. */
  private static double rejected(AgentMetrics m) {
    double sum = 0;
    for (MetricSnapshot s : m.registry().scrape()) {
      if (s.getMetadata().getName().equals("netpolc_agent_rejected_objects") && s instanceof CounterSnapshot cs) {
        sum += cs.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
      }
    }
    return sum;
  }

  private static String summary(Cluster c) {
    TreeSet<String> s = new TreeSet<>();
    c.namespaces().forEach(n -> s.add("ns " + n.name() + " " + n.labels()));
    c.nodes().forEach(n -> s.add("node " + n.name() + " " + n.labels() + " " + n.addresses()));
    c.pods().forEach(p -> s.add("pod " + p.key() + " " + p.labels() + " " + p.ips() + " " + p.nodeName()));
    c.policies().forEach(p -> s.add("np " + p.key() + " " + dev.netpolc.model.NetworkPolicy.of(p.namespace(),
        p.name(), p.podSelector(), p.policyTypes(), p.ingress(), p.egress())));
    return String.join("\n", s);
  }

  private static Cluster read(Map<String, String> docs) {
    ReadResult r = new PolicyReader().readString("agent-vxlan.yaml", String.join("\n---\n", docs.values()));
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  private static String v4(String host) {
    return "198.18." + host;
  }

  /** {@code 0.10} → {@code fd00::10}, {@code 1.10} → {@code fd00:0:0:1::10}. */
  private static String v6(String host) {
    String[] p = host.split("\\.");
    return (p[0].equals("0") ? "fd00::" : "fd00:0:0:" + p[0] + "::") + p[1];
  }

  private static String node(String name, String ip, String podCidr) {
    return "apiVersion: v1\nkind: Node\nmetadata: {name: " + name + "}\nspec: {podCIDR: " + podCidr + "}\n"
        + "status: {addresses: [{type: InternalIP, address: \"" + ip + "\"}]}\n";
  }

  private static String pod(String ns, String name, String labels, String node, String host) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {namespace: " + ns + ", name: " + name + ", labels: " + labels
        + "}\nspec: {nodeName: " + node + ", containers: [{name: main, image: pause}]}\n"
        + "status: {phase: Running, podIPs: [{ip: " + v4(host) + "}, {ip: \"" + v6(host) + "\"}]}\n";
  }
}
