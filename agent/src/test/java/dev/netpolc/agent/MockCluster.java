package dev.netpolc.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.VerificationProbes;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A fabric8 mock API server in CRUD mode (it lists and watches what was created, as the API
 * server does) with the agent running against it in-process, its applies recorded. The test
 * keeps the YAML of every object it created, so the expected cluster is read from the same text
 * by {@link PolicyReader}, independently of the agent's conversion.
 */
final class MockCluster implements AutoCloseable {
  static final String NODE = "node-a";
  static final Duration CONVERGE = Duration.ofSeconds(30);

  final KubernetesMockServer server;
  final NamespacedKubernetesClient client;
  final RecordingApplier applier = new RecordingApplier();
  final AgentMetrics metrics = new AgentMetrics();
  final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  final Agent agent;
  private final Map<String, String> docs = new LinkedHashMap<>();

  final NamespacedKubernetesClient agentClient;

  MockCluster() {
    this(KubernetesMockServer::createClient);
  }

  /** With the agent's own client, e.g. one that reaches the server through a proxy the test can cut. */
  MockCluster(java.util.function.Function<KubernetesMockServer, NamespacedKubernetesClient> agentClient) {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    this.agentClient = agentClient.apply(server);
    agent = new Agent(this.agentClient, new Agent.Settings(NODE, new NftablesBackend(), BackendOptions.DEFAULTS, false, true,
        Duration.ofSeconds(30)), applier, metrics, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
  }

  String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  /** Creates or replaces the object {@code yaml} describes, and records it as expected (unless {@code invalid}). */
  void put(String yaml) {
    write(() -> client.resource(yaml).createOr(r -> r.update()));
    docs.put(key(yaml), yaml);
  }

  /** Records {@code yaml} as expected, after the test created it itself. */
  void expect(String yaml) {
    docs.put(key(yaml), yaml);
  }

  /** Creates or replaces an object the model rejects; the expected cluster keeps what it had. */
  void putInvalid(String yaml) {
    write(() -> client.resource(yaml).createOr(r -> r.update()));
  }

  void delete(String yaml) {
    write(() -> client.resource(yaml).delete());
    docs.remove(key(yaml));
  }

  /**
   * The test's own write to the mock server, tried again when its answer times out (seen once on
   * a busy CI machine while the agent's watches were cut). Create-or-update and delete are
   * idempotent, so a write that did land before its answer was lost is harmless to repeat; what
   * the agent then does is still checked as before.
   */
  private static void write(Runnable call) {
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return;
      } catch (KubernetesClientException e) {
        boolean timeout = String.valueOf(e.getMessage()).contains("timeout period");
        if (!timeout || attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static String key(String yaml) {
    ReadResult r = new PolicyReader().readString("key", yaml);
    Cluster c = r.cluster();
    assertThat(r.errors()).as("test input").isEmpty();
    if (!c.pods().isEmpty()) {
      return "Pod " + c.pods().get(0).key();
    } else if (!c.policies().isEmpty()) {
      return "NetworkPolicy " + c.policies().get(0).key();
    } else if (!c.namespaces().isEmpty()) {
      return "Namespace " + c.namespaces().get(0).name();
    } else if (!c.nodes().isEmpty()) {
      return "Node " + c.nodes().get(0).name();
    } else if (!c.clusterNetworkPolicies().isEmpty()) {
      return "ClusterNetworkPolicy " + c.clusterNetworkPolicies().get(0).name();
    } else if (!c.calico().policies().isEmpty()) {
      var p = c.calico().policies().get(0);
      return "Calico " + p.kind() + " " + p.namespace() + "/" + p.name();
    } else if (!c.calico().tiers().isEmpty()) {
      return "Calico Tier " + c.calico().tiers().get(0).name();
    } else if (!c.calico().networkSets().isEmpty()) {
      var n = c.calico().networkSets().get(0);
      return "Calico NetworkSet " + n.namespace() + "/" + n.name();
    } else if (!c.calico().serviceAccounts().isEmpty()) {
      var a = c.calico().serviceAccounts().get(0);
      return "ServiceAccount " + a.namespace() + "/" + a.name();
    } else if (!c.cilium().policies().isEmpty()) {
      var p = c.cilium().policies().get(0);
      return "Cilium " + p.kind() + " " + p.namespace() + "/" + p.name();
    }
    throw new IllegalArgumentException("unexpected test object: " + yaml);
  }

  /** The cluster the test created, read from its YAML. */
  Cluster expected() {
    ReadResult r = new PolicyReader().readString("expected.yaml", String.join("\n---\n", docs.values()));
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  /**
   * Waits until the agent enforces the expected cluster (same objects, labels, addresses and
   * policies), then checks that the ruleset the kernel would hold after the agent's last apply
   * decides every probe as the reference evaluator does on that cluster, and as a fresh full
   * compile of it does.
   */
  VerifyReport awaitEnforced(String step) throws Exception {
    return awaitEnforced(step, Integer.MAX_VALUE);
  }

  /** {@link #awaitEnforced(String)} on at most about {@code maxProbes} probes, evenly spread over all of them. */
  VerifyReport awaitEnforced(String step, int maxProbes) throws Exception {
    Cluster want = expected();
    String wantSummary = summary(want);
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    while (!summary(agent.snapshot().cluster()).equals(wantSummary)) {
      if (System.nanoTime() > deadline) {
        assertThat(summary(agent.snapshot().cluster())).as("%s: the agent's cluster; log:%n%s", step, log())
            .isEqualTo(wantSummary);
      }
      Thread.sleep(20);
    }
    CompileOptions opts = CompileOptions.DEFAULTS.withNode(NODE);
    var graph = new Compiler().compile(want, opts).graph();
    var nodeAddresses = SimulationContext.of(graph).nodeAddresses();
    ReferenceEvaluator ref = new ReferenceEvaluator(want);
    var all = VerificationProbes.of(want);
    int stride = Math.max(1, all.size() / maxProbes);
    List<dev.netpolc.compiler.Connection> probes = new java.util.ArrayList<>();
    for (int i = 0; i < all.size(); i += stride) {
      probes.add(all.get(i));
    }
    VerifyReport got = Verifier.verify(ref, Optional.of(NODE), applier.kernel(nodeAddresses), probes, 5);
    assertThat(got.agrees()).as("%s: installed rules vs the reference: %s", step, got.first()).isTrue();
    NftablesBackend nft = new NftablesBackend();
    var fresh = new dev.netpolc.backend.nftables.sim.NftSimulator(
        NftablesBackend.parse(nft.emit(graph, BackendOptions.DEFAULTS)), nodeAddresses);
    assertThat(Verifier.verify(ref, Optional.of(NODE), fresh, probes, 5).agrees()).as("%s: full compile", step)
        .isTrue();
    assertThat(got.checked()).as("%s: probes", step).isPositive();
    return got;
  }

  /** What decides enforcement, without source positions: objects, labels, addresses, policies. */
  static String summary(Cluster c) {
    TreeSet<String> s = new TreeSet<>();
    c.namespaces().forEach(n -> s.add("ns " + n.name() + " " + n.labels()));
    c.pods().forEach(p -> s.add("pod " + p.key() + " " + p.labels() + " " + p.ips() + " " + p.nodeName() + " "
        + p.phase()));
    c.nodes().forEach(n -> s.add("node " + n.name() + " " + n.labels() + " " + n.addresses()));
    c.policies().forEach(p -> s.add("np " + p.key() + " " + dev.netpolc.model.NetworkPolicy.of(p.namespace(), p.name(),
        p.podSelector(), p.policyTypes(), p.ingress(), p.egress())));
    c.clusterNetworkPolicies().forEach(p -> s.add("cnp " + render(p)));
    c.calico().policies().forEach(p -> s.add("calico " + render(p)));
    c.calico().tiers().forEach(t -> s.add("tier " + render(t)));
    c.calico().networkSets().forEach(n -> s.add("networkset " + render(n)));
    c.calico().stagedKubernetesPolicies().forEach(p -> s.add("staged-knp " + render(p)));
    c.cilium().policies().forEach(p -> s.add("cilium " + render(p)));
    c.calico().serviceAccounts().forEach(x -> s.add("sa " + render(x)));
    c.calico().services().forEach(x -> s.add("svc " + render(x)));
    c.calico().endpointSlices().forEach(x -> s.add("eps " + render(x)));
    return s.stream().collect(Collectors.joining("\n"));
  }

  /**
   * A model object as text without its source positions (they differ between two reads of the
   * same object): records by their components, recursively, leaving out every SourceMap.
   */
  static String render(Object o) {
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
      return c.stream().map(MockCluster::render).collect(Collectors.joining(", ", "[", "]"));
    } else if (o instanceof Map<?, ?> m) {
      return m.entrySet().stream().map(e -> render(e.getKey()) + "=" + render(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    } else if (o instanceof Optional<?> opt) {
      return opt.map(MockCluster::render).orElse("-");
    }
    return String.valueOf(o);
  }

  /**
   * Makes the mock server serve {@code kinds} (as an installed CRD does), so that the client
   * finds them in the API discovery; call before the agent starts.
   */
  void serve(List<WatchedKind> kinds) {
    for (WatchedKind k : kinds) {
      client.apiextensions().v1().customResourceDefinitions().resource(
          new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
              .withNewMetadata().withName(k.resource() + "." + k.group()).endMetadata()
              .withNewSpec().withGroup(k.group()).withScope(k.namespaced() ? "Namespaced" : "Cluster")
              .withNewNames().withKind(k.kind()).withPlural(k.resource()).withListKind(k.kind() + "List")
              .withSingular(k.kind().toLowerCase(java.util.Locale.ROOT)).endNames()
              .addNewVersion().withName(k.version()).withServed(true).withStorage(true).endVersion()
              .endSpec().build()).create();
    }
  }

  static String namespace(String name, String labels) {
    return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: " + labels + "}\n";
  }

  static String pod(String ns, String name, String labels, String node, String ip) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {namespace: " + ns + ", name: " + name + ", labels: " + labels
        + "}\nspec: {nodeName: " + node + ", containers: [{name: main, image: pause, ports: [{name: http,"
        + " containerPort: 80}]}]}\nstatus: {phase: Running, podIP: \"" + ip + "\", podIPs: [{ip: \"" + ip + "\"}]}\n";
  }

  static String node(String name, String ip, String podCidr) {
    return "apiVersion: v1\nkind: Node\nmetadata: {name: " + name + "}\nspec: {podCIDR: " + podCidr + "}\n"
        + "status: {addresses: [{type: InternalIP, address: \"" + ip + "\"}]}\n";
  }

  static List<String> base() {
    return List.of(node(NODE, "192.168.0.1", "10.244.0.0/24"),
        node("node-b", "192.168.0.2", "10.244.1.0/24"), namespace("x", "{ns: x}"),
        namespace("y", "{ns: y}"), pod("x", "a", "{app: web}", NODE, "10.244.0.10"),
        pod("x", "b", "{app: db}", NODE, "10.244.0.11"), pod("y", "c", "{role: client}", "node-b", "10.244.1.10"));
  }

  @Override
  public void close() {
    agent.close();
    agentClient.close();
    client.close();
    server.destroy();
  }
}
