package dev.netpolc.agent;

import static dev.netpolc.agent.AgentMockServerTest.WEB_FROM_CLIENTS;
import static dev.netpolc.agent.MockCluster.NODE;
import static dev.netpolc.agent.MockCluster.namespace;
import static dev.netpolc.agent.MockCluster.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The agent's connection to the API server dropped (through a {@link CuttableProxy}) while the
 * cluster changes: pods and a policy deleted, a namespace and its pod deleted, a policy created,
 * pods relabelled and added. While cut the agent applies nothing and keeps its rules; once the
 * connection is back, the informers list again and the agent ends equal to a full compile of the
 * server's state, deletions included, and its watches carry later changes again.
 */
class AgentWatchDisconnectTest {

  private static final String DB_FROM_WEB = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db-from-web, namespace: x}
      spec:
        podSelector: {matchLabels: {app: db}}
        ingress:
        - from:
          - podSelector: {matchLabels: {app: web}}
      """;

  private static final String Y_ISOLATED = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: isolated, namespace: y}
      spec:
        podSelector: {}
        policyTypes: [Ingress, Egress]
      """;

  @Test
  void aDroppedConnectionKeepsTheRulesAndTheResyncEndsEqualToTheServersState() throws Exception {
    AtomicReference<CuttableProxy> proxy = new AtomicReference<>();
    try (MockCluster m = new MockCluster(server -> viaProxy(server, proxy)); CuttableProxy p = proxy.get()) {
      MockCluster.base().forEach(m::put);
      m.put(namespace("z", "{ns: z}"));
      String zPod = pod("z", "q", "{app: web}", NODE, "10.244.0.30");
      m.put(zPod);
      m.put(WEB_FROM_CLIENTS);
      m.put(DB_FROM_WEB);
      m.agent.start();
      m.awaitEnforced("start");
      int appliesBefore = m.applier.applied().size();
      Artifact installed = m.agent.snapshot().installed();

      p.cut();
      // The cluster changes while the agent cannot see it.
      m.delete(pod("y", "c", "{role: client}", "node-b", "10.244.1.10"));
      m.delete(WEB_FROM_CLIENTS);
      m.delete(zPod);
      m.delete(namespace("z", "{ns: z}"));
      m.put(Y_ISOLATED);
      m.put(pod("x", "a", "{app: db}", NODE, "10.244.0.10"));
      m.put(pod("x", "d", "{app: web}", NODE, "10.244.0.12"));
      m.put(namespace("x", "{ns: x, env: prod}"));
      // The informers keep trying to list and watch again; the agent must sit still meanwhile. The
      // cut lasts until the agent has seen a watch down: the client first retries a dropped watch
      // itself (still "watching"), and a watch it resumes within those retries gets from the mock
      // server none of the events it missed (a real API server replays them from the
      // resourceVersion) — restoring before the agent saw the outage tested the mock, not the agent.
      long deadline = System.nanoTime() + MockCluster.CONVERGE.toNanos();
      while ((p.refused() < 3 || !m.log().contains("msg=\"watch lost")) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(p.refused()).as("reconnect attempts while cut").isGreaterThanOrEqualTo(3);
      assertThat(m.log()).as("the agent saw the outage").contains("msg=\"watch lost");
      assertThat(m.applier.applied()).as("applies while disconnected").hasSize(appliesBefore);
      assertThat(m.agent.snapshot().installed()).as("the rules while disconnected").isSameAs(installed);
      assertThat(m.agent.ready()).as("still ready: the last rules stay in force").isTrue();

      p.restore();
      m.awaitEnforced("reconnected");
      List<RecordingApplier.Applied> after = m.applier.applied().subList(appliesBefore, m.applier.applied().size());
      System.out.println("watch restored: " + after.size() + " applies to reach the server's state ("
          + after.stream().filter(RecordingApplier.Applied::full).count() + " full)");

      // One batch: the held events and the relist together, never a view half before, half after.
      assertThat(after).as("applies after the reconnect").hasSize(1);
      assertThat(m.log()).contains("msg=\"watch lost; the kernel keeps the last rules")
          .contains("msg=\"watches back; applying the held events and a relist as one batch\"");

      // The watches run again: a later change arrives without another cut.
      m.put(pod("y", "e", "{role: client}", "node-b", "10.244.1.11"));
      m.delete(Y_ISOLATED);
      m.awaitEnforced("a change after the reconnect");
    }
  }

  /** A client of {@code server} that goes through a new {@link CuttableProxy}, stored in {@code proxy}. */
  private static NamespacedKubernetesClient viaProxy(KubernetesMockServer server,
      AtomicReference<CuttableProxy> proxy) {
    try {
      proxy.set(new CuttableProxy(server.getPort()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Config direct;
    try (NamespacedKubernetesClient c = server.createClient()) {
      direct = c.getConfiguration();
    }
    // Short reconnect intervals: the test waits for the informers' retries, not the defaults' seconds.
    Config cfg = new ConfigBuilder(direct).withMasterUrl("http://127.0.0.1:" + proxy.get().port() + "/")
        .withWatchReconnectInterval(100).withRequestRetryBackoffInterval(50).withRequestRetryBackoffLimit(2)
        .build();
    return new KubernetesClientBuilder().withConfig(cfg).build().adapt(NamespacedKubernetesClient.class);
  }
}
