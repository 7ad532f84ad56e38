package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.agent.Agent;
import dev.netpolc.agent.AgentMetrics;
import dev.netpolc.agent.NftablesApplier;
import dev.netpolc.agent.PolicyDropCounters;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Probe;
import dev.netpolc.kernel.Prober;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code netpolc agent --counters} on a live node: a probe the policies deny is dropped by the
 * default deny of its destination's group, and the next scrape of {@code /metrics} shows the
 * drop on the policy isolating that pod, in that direction, and on no other policy.
 */
@Tag("kernel")
class AgentCountersKernelTest {
  private static final String NODE = KernelLayout.SINGLE_NODE;
  private static final Pattern DROPS = Pattern.compile(
      "netpolc_agent_policy_drops_total\\{direction=\"([a-z]+)\",policy=\"([^\"]+)\"\\} (\\S+)");

  private static final String CLUSTER = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: x, labels: {ns: x}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: y, labels: {ns: y}}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web-from-db, namespace: x}
      spec:
        podSelector: {matchLabels: {tier: web}}
        ingress:
        - from: [{podSelector: {matchLabels: {tier: db}}}]
          ports: [{port: 80, protocol: TCP}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: isolated, namespace: y}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
      ---
      """ + pod("x", "a", "{tier: web}", 10) + "---\n" + pod("x", "b", "{tier: db}", 11) + "---\n"
      + pod("y", "c", "{role: client}", 12);

  @Test
  void aDroppedProbeCountsOnThePolicyIsolatingItsDestination() throws Exception {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft");
    ReadResult read = new PolicyReader().readString("counters.yaml", CLUSTER);
    assertThat(read.errors()).isEmpty();
    Cluster cluster = read.cluster();
    KernelLayout layout = KernelLayout.of(cluster);
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Topology topology = layout.build(Topology.Mode.BRIDGE);
        NamespacedKubernetesClient client = server.createClient()) {
      topology.startServers(List.of(PortSpec.tcp(80)), false);
      for (String doc : CLUSTER.split("(?m)^---\\n")) {
        if (!doc.isBlank()) {
          client.resource(doc).create();
        }
      }
      List<String> nft = List.of("ip", "netns", "exec", topology.nodeNamespace(NODE), "nft");
      AgentMetrics metrics = new AgentMetrics();
      Agent agent = new Agent(client, new Agent.Settings(NODE, new NftablesBackend(),
          BackendOptions.DEFAULTS.withCounters(true), true, false, Duration.ofSeconds(30)),
          new NftablesApplier(nft, "netpolc"), metrics, new PrintStream(log, true, StandardCharsets.UTF_8));
      PolicyDropCounters drops = new PolicyDropCounters(PolicyDropCounters.nftSource(nft, "netpolc"));
      agent.countDrops(drops);
      metrics.exportDrops(drops);
      HTTPServer http = metrics.serve("127.0.0.1", 0, agent::ready);
      try {
        agent.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (agent.snapshot().cluster().policies().size() < 2 || agent.snapshot().cluster().pods().size() < 3) {
          assertThat(System.nanoTime()).as("the agent applying the cluster; log:%n%s", log).isLessThan(deadline);
          Thread.sleep(10);
        }
        String metricsUrl = "http://127.0.0.1:" + http.getPort() + "/metrics";
        Map<String, Double> before = scrape(metricsUrl);
        assertThat(before).as("every isolating policy has its series from the first scrape")
            .containsEntry("x/web-from-db ingress", 0.0).containsEntry("y/isolated ingress", 0.0);

        // y/c -> x/a: x/a is isolated by x/web-from-db, which takes only x's db pods.
        assertThat(Prober.probe(topology, List.of(Probe.of("y/c", "x/a", PortSpec.tcp(80), Family.V4)))
            .reachable(Probe.of("y/c", "x/a", PortSpec.tcp(80), Family.V4))).isFalse();
        // x/b -> x/a: allowed, counts nowhere.
        assertThat(Prober.probe(topology, List.of(Probe.of("x/b", "x/a", PortSpec.tcp(80), Family.V4)))
            .reachable(Probe.of("x/b", "x/a", PortSpec.tcp(80), Family.V4))).isTrue();
        Map<String, Double> afterWeb = scrape(metricsUrl);
        assertThat(afterWeb.get("x/web-from-db ingress")).as("drops of x/web-from-db").isPositive();
        assertThat(afterWeb.get("y/isolated ingress")).as("drops of y/isolated").isEqualTo(0.0);

        // x/b -> y/c: y/c is isolated by y/isolated; x/web-from-db does not move.
        assertThat(Prober.probe(topology, List.of(Probe.of("x/b", "y/c", PortSpec.tcp(80), Family.V4)))
            .reachable(Probe.of("x/b", "y/c", PortSpec.tcp(80), Family.V4))).isFalse();
        Map<String, Double> afterY = scrape(metricsUrl);
        assertThat(afterY.get("y/isolated ingress")).as("drops of y/isolated").isPositive();
        assertThat(afterY.get("x/web-from-db ingress")).isEqualTo(afterWeb.get("x/web-from-db ingress"));
        System.out.println("agent counters kernel test: " + afterY);
      } finally {
        http.close();
        agent.close();
        server.destroy();
      }
    }
  }

  /** The drop series of one scrape, as "policy direction" to value. */
  private static Map<String, Double> scrape(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Double> out = new TreeMap<>();
    for (String line : r.body().split("\n")) {
      Matcher m = DROPS.matcher(line);
      if (m.matches()) {
        out.put(m.group(2) + " " + m.group(1), Double.parseDouble(m.group(3)));
      }
    }
    assertThat(r.body()).contains("netpolc_agent_counter_read_errors_total 0");
    return out;
  }

  private static String pod(String ns, String name, String labels, int ip) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {namespace: " + ns + ", name: " + name + ", labels: " + labels
        + "}\nspec: {nodeName: " + NODE + ", containers: [{name: main, image: pause}]}\n"
        + "status: {phase: Running, podIPs: [{ip: 198.18.0." + ip + "}, {ip: \"fd00::" + ip + "\"}]}\n";
  }
}
