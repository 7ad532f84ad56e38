package dev.netpolc.e2e.kernel;

import static dev.netpolc.e2e.kernel.AgentKernelTest.awaitEnforced;
import static dev.netpolc.e2e.kernel.AgentKernelTest.pod;
import static dev.netpolc.e2e.kernel.AgentKernelTest.read;
import static dev.netpolc.e2e.kernel.AgentKernelTest.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.agent.Agent;
import dev.netpolc.agent.AgentMetrics;
import dev.netpolc.agent.NftablesApplier;
import dev.netpolc.agent.WatchedKind;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PortSpec;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
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
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code netpolc agent} enforcing Calico and Cilium objects on a live node: the mock API server
 * serves their kinds (as installed CRDs do); a Calico GlobalNetworkPolicy deny in a tier, then a
 * CiliumNetworkPolicy, each created and edited, and after every step real TCP and UDP probes
 * between the pods decide as the reference evaluator does on the objects the test wrote.
 */
@Tag("kernel")
class AgentDialectsKernelTest {
  private static final String NODE = DeltaScenario.NODE;

  static final String SECURITY_TIER = """
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: security}
      spec: {order: 100, defaultAction: Pass}
      """;

  /** Clients may not reach x's db pods, whatever the NetworkPolicies allow. */
  static final String DENY_CLIENTS = """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: security.deny-clients}
      spec:
        tier: security
        order: 10
        selector: tier == 'db'
        types: [Ingress]
        ingress:
        - action: Deny
          source:
            selector: role == 'client'
            namespaceSelector: all()
      """;

  /** y/b takes TCP 80 from x's db pods only. */
  static final String Y_B_FROM_DB = """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: b-from-db, namespace: y}
      spec:
        endpointSelector:
          matchLabels: {pod: b}
        ingress:
        - fromEndpoints:
          - matchLabels: {k8s:io.kubernetes.pod.namespace: x, tier: db}
          toPorts:
          - ports:
            - {port: "80", protocol: TCP}
      """;

  @Test
  void theAgentEnforcesCalicoAndCiliumObjectsAsTheReferenceDecides() throws Exception {
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
      Stream.concat(WatchedKind.CALICO.stream(), WatchedKind.CILIUM.stream()).forEach(k -> serve(client, k));
      docs.values().forEach(y -> client.resource(y).create());
      Agent agent = new Agent(client, new Agent.Settings(NODE, new NftablesBackend(), BackendOptions.DEFAULTS, true,
          false, Duration.ofSeconds(30)), new NftablesApplier(List.of("ip", "netns", "exec",
              topology.nodeNamespace(NODE), "nft"), "netpolc"), new AgentMetrics(),
          new PrintStream(log, true, StandardCharsets.UTF_8));
      try {
        long t0 = System.nanoTime();
        agent.start();
        report("start (sync + full replacement)", awaitEnforced(agent, start, t0, log));
        check(topology, start, layout, "start");

        docs.put("tier security", SECURITY_TIER);
        docs.put("gnp deny-clients", DENY_CLIENTS);
        t0 = System.nanoTime();
        client.resource(SECURITY_TIER).create();
        client.resource(DENY_CLIENTS).create();
        Cluster c = read(docs);
        report("Calico tier and GlobalNetworkPolicy created", awaitEnforced(agent, c, t0, log));
        check(topology, c, layout, "Calico deny created");

        // The deny moves from the db pods to the web pods.
        String edited = DENY_CLIENTS.replace("selector: tier == 'db'", "selector: tier == 'web'");
        docs.put("gnp deny-clients", edited);
        t0 = System.nanoTime();
        client.resource(edited).update();
        c = read(docs);
        report("Calico GlobalNetworkPolicy edited", awaitEnforced(agent, c, t0, log));
        check(topology, c, layout, "Calico deny edited");

        docs.put("cnp y/b-from-db", Y_B_FROM_DB);
        t0 = System.nanoTime();
        client.resource(Y_B_FROM_DB).create();
        c = read(docs);
        report("CiliumNetworkPolicy created", awaitEnforced(agent, c, t0, log));
        check(topology, c, layout, "Cilium policy created");

        String udp = Y_B_FROM_DB.replace("protocol: TCP", "protocol: UDP");
        docs.put("cnp y/b-from-db", udp);
        t0 = System.nanoTime();
        client.resource(udp).update();
        c = read(docs);
        report("CiliumNetworkPolicy edited", awaitEnforced(agent, c, t0, log));
        check(topology, c, layout, "Cilium policy edited");

        assertThat(c.calico().policies()).hasSize(1);
        assertThat(c.cilium().policies()).hasSize(1);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("mode=full").doesNotContain("object rejected");
      } finally {
        agent.close();
        server.destroy();
      }
      assertThat(topology.listNftables(NODE)).as("--cleanup-on-exit removed the table")
          .doesNotContain("table inet netpolc {");
    }
  }

  private static void check(Topology topology, Cluster c, KernelLayout layout, String step) {
    assertThat(ReapplyPolicies.observedNewFlows(topology, c, layout)).as(step).isEmpty();
  }

  /** Registers {@code k} with the mock server as its CRD would be, so the agent's client discovers it. */
  private static void serve(NamespacedKubernetesClient client, WatchedKind k) {
    client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(k.resource() + "." + k.group()).endMetadata()
        .withNewSpec().withGroup(k.group()).withScope(k.namespaced() ? "Namespaced" : "Cluster")
        .withNewNames().withKind(k.kind()).withPlural(k.resource()).withListKind(k.kind() + "List")
        .withSingular(k.kind().toLowerCase(Locale.ROOT)).endNames()
        .addNewVersion().withName(k.version()).withServed(true).withStorage(true).endVersion()
        .endSpec().build()).create();
  }
}
