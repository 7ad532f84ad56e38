package dev.netpolc.agent;

import static dev.netpolc.agent.MockCluster.NODE;
import static dev.netpolc.agent.MockCluster.namespace;
import static dev.netpolc.agent.MockCluster.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent against a mock API server: every change to the cluster ends with rules that decide
 * as the reference evaluator does on the cluster the test built, reached by deltas after the
 * first full replacement.
 */
class AgentMockServerTest {

  static final String WEB_FROM_CLIENTS = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web-from-clients, namespace: x}
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: y}}
            podSelector: {matchLabels: {role: client}}
          ports:
          - {port: 80, protocol: TCP}
      """;

  @Test
  void policiesPodsAndNamespacesChangingEndInRulesEqualToAFullCompile() throws Exception {
    try (MockCluster m = new MockCluster()) {
      MockCluster.base().forEach(m::put);
      m.agent.start();
      m.awaitEnforced("start");
      assertThat(m.applier.applied().get(0).full()).as("the first apply replaces the table").isTrue();

      m.put(WEB_FROM_CLIENTS);
      m.awaitEnforced("policy created");
      m.put(WEB_FROM_CLIENTS.replace("{port: 80, protocol: TCP}", "{port: 80, protocol: TCP}\n    - {port: 53, protocol: UDP}"));
      m.awaitEnforced("policy edited");
      m.put(pod("x", "d", "{app: web}", NODE, "10.244.0.12"));
      m.awaitEnforced("pod added to the web group");
      m.put(pod("y", "e", "{role: client}", "node-b", "10.244.1.11"));
      m.awaitEnforced("remote client added");
      m.put(pod("y", "c", "{role: other}", "node-b", "10.244.1.10"));
      m.awaitEnforced("client relabelled");
      m.put(namespace("y", "{ns: z}"));
      m.awaitEnforced("namespace relabelled");
      m.put(namespace("y", "{ns: y}"));
      m.delete(pod("y", "e", "{role: client}", "node-b", "10.244.1.11"));
      m.awaitEnforced("namespace back, client deleted");
      m.delete(WEB_FROM_CLIENTS);
      m.awaitEnforced("policy deleted");

      List<RecordingApplier.Applied> applied = m.applier.applied();
      assertThat(applied.subList(1, applied.size())).as("after the start every apply is a delta")
          .noneMatch(RecordingApplier.Applied::full);
      assertThat(m.log()).contains("msg=applied mode=full").contains("msg=applied mode=incremental");
      // The mock server serves none of the optional (CRD) kinds: one line each, no crash.
      List<WatchedKind> optional = WatchedKind.ALL.stream().filter(WatchedKind::optional).toList();
      assertThat(m.agent.skippedKinds()).containsExactlyElementsOf(optional).contains(
          WatchedKind.ADMIN_NETWORK_POLICIES, WatchedKind.BASELINE_ADMIN_NETWORK_POLICIES);
      assertThat(m.log().lines().filter(l -> l.contains("msg=\"kind not served, skipped\"")))
          .hasSize(optional.size() - WatchedKind.REFERENCED.size());
      assertThat(m.log().lines().filter(l -> l.contains("msg=\"kind not needed, skipped\"")))
          .hasSize(WatchedKind.REFERENCED.size());
    }
  }

  @Test
  void aBurstOfAThousandPodEventsArrivingDuringAnApplyIsAppliedInTheNextBatch() throws Exception {
    try (MockCluster m = new MockCluster()) {
      MockCluster.base().forEach(m::put);
      m.put(WEB_FROM_CLIENTS);
      m.agent.start();
      m.awaitEnforced("start");
      // An apply in progress (held, as a slow nft would be) while the burst arrives.
      m.applier.hold();
      m.put(pod("y", "first", "{role: client}", "node-b", "10.244.1.200"));
      m.applier.awaitHeld();
      long before = m.agent.snapshot().batches();
      List<String> pods = new java.util.ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        pods.add(pod("y", "burst-" + i, i % 2 == 0 ? "{role: client}" : "{role: other}", "node-b",
            "10.244." + (2 + i / 250) + "." + (i % 250 + 1)));
      }
      // Sixteen writers, as many controllers scaling at once would be.
      java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(16);
      try {
        for (var f : writers.invokeAll(pods.stream().map(p -> (java.util.concurrent.Callable<Object>) () -> {
          m.client.resource(p).create();
          return null;
        }).toList())) {
          f.get();
        }
      } finally {
        writers.shutdown();
      }
      pods.forEach(m::expect);
      long deadline = System.nanoTime() + MockCluster.CONVERGE.toNanos();
      while (m.agent.pendingEvents() < 1000 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(m.agent.pendingEvents()).as("events queued behind the held apply").isEqualTo(1000);
      m.applier.release();
      m.awaitEnforced("1000 pods", 5_000);
      long batches = m.agent.snapshot().batches() - before;
      System.out.println("burst of 1000 pod events: " + batches + " applies");
      assertThat(batches).as("applies for 1000 events").isBetween(1L, 3L);
    }
  }

  @Test
  void theFirstApplyHoldsEveryObjectTheInformersListed() throws Exception {
    try (MockCluster m = new MockCluster()) {
      MockCluster.base().forEach(m::put);
      m.put(WEB_FROM_CLIENTS);
      for (int i = 0; i < 1500; i++) {
        m.put(pod("y", "listed-" + i, i % 2 == 0 ? "{role: client}" : "{role: other}", "node-b",
            "10.244." + (2 + i / 250) + "." + (i % 250 + 1)));
      }
      m.agent.start();
      m.awaitEnforced("start", 2_000);
      // 2 nodes, 2 namespaces, 1,503 pods, 1 policy: all in the first, full, apply.
      assertThat(m.log()).contains("msg=applied mode=full events=1508 ");
      assertThat(m.applier.applied()).hasSize(1);
    }
  }

  @Test
  void aRejectedPolicyIsReportedAndItsLastAcceptedVersionStaysInForce() throws Exception {
    try (MockCluster m = new MockCluster()) {
      MockCluster.base().forEach(m::put);
      m.put(WEB_FROM_CLIENTS);
      m.agent.start();
      m.awaitEnforced("start");

      // An edit the model rejects (an unknown operator): the accepted version stays.
      m.putInvalid(WEB_FROM_CLIENTS.replace("podSelector: {matchLabels: {role: client}}",
          "podSelector: {matchExpressions: [{key: role, operator: Near, values: [client]}]}"));
      // A new policy that was never valid: not enforced; a valid one after it: enforced.
      m.putInvalid("""
          apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: broken, namespace: y}
          spec:
            podSelector: {}
            ingres: []
          """);
      m.put("""
          apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: db-isolated, namespace: x}
          spec:
            podSelector: {matchLabels: {app: db}}
            policyTypes: [Ingress]
          """);
      m.awaitEnforced("rejected edit, rejected policy, then a valid one");
      assertThat(m.log()).contains("msg=\"object rejected\" kind=NetworkPolicy object=x/web-from-clients "
          + "kept=\"last accepted version\"").contains("object=y/broken kept=\"none (never accepted)\"");
      assertThat(m.log()).containsPattern("reason=\"NetworkPolicy y/broken:\\d+:\\d+: spec\\.ingres");
      List<Event> events = m.client.v1().events().inAnyNamespace().list().getItems();
      assertThat(events).extracting(e -> e.getInvolvedObject().getName())
          .contains("web-from-clients", "broken");
      assertThat(events).allMatch(e -> e.getReason().equals("NetpolcRejected") && e.getType().equals("Warning"));
    }
  }

  @Test
  void aFailedApplyIsRetriedAsAFullReplacement() throws Exception {
    try (MockCluster m = new MockCluster()) {
      MockCluster.base().forEach(m::put);
      m.agent.start();
      m.awaitEnforced("start");
      m.applier.failNext(2);
      m.put(WEB_FROM_CLIENTS);
      m.awaitEnforced("policy created after two failed applies");
      List<RecordingApplier.Applied> applied = m.applier.applied();
      assertThat(applied.get(applied.size() - 1).full()).as("the retry replaces the table").isTrue();
      assertThat(m.agent.snapshot().failures()).isEqualTo(2);
      assertThat(m.log()).contains("msg=\"apply failed; the kernel keeps the last rules, retrying with a full "
          + "replacement\"");
    }
  }
}
