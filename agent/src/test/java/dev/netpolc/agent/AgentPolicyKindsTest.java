package dev.netpolc.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent against a mock API server that serves the optional policy kinds (as a cluster with
 * the sig-network, Calico and Cilium CRDs does): each kind's objects created, edited and deleted
 * end in rules that decide as the reference evaluator and a fresh compile of the same objects do.
 */
class AgentPolicyKindsTest {

  static final String SECURITY_TIER = """
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: security}
      spec: {order: 100, defaultAction: Pass}
      """;

  static final String DENY_CLIENTS_TO_DB = """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: security.deny-clients-to-db}
      spec:
        tier: security
        order: 10
        selector: app == 'db'
        types: [Ingress]
        ingress:
        - action: Deny
          source:
            selector: role == 'client'
            namespaceSelector: all()
      """;

  static final String WEB_FROM_CLIENTS = """
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: security.web-from-clients, namespace: x}
      spec:
        tier: security
        order: 20
        selector: app == 'web'
        types: [Ingress]
        ingress:
        - action: Allow
          protocol: TCP
          source:
            selector: role == 'client'
            namespaceSelector: ns == 'y'
          destination:
            ports: [80]
      """;

  static final String CILIUM_WEB = """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: web, namespace: x}
      spec:
        endpointSelector:
          matchLabels: {app: web}
        ingress:
        - fromEndpoints:
          - matchLabels: {k8s:io.kubernetes.pod.namespace: y, role: client}
          toPorts:
          - ports:
            - {port: "80", protocol: TCP}
      """;

  static final String CILIUM_DB_FROM_CLUSTER = """
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: db-from-cluster}
      spec:
        endpointSelector:
          matchLabels: {app: db}
        ingress:
        - fromEntities: [cluster]
          toPorts:
          - ports:
            - {port: "5432", protocol: TCP}
      """;

  static final String ADMIN_DENY_Y = """
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata: {name: deny-from-y}
      spec:
        tier: Admin
        priority: 10
        subject:
          namespaces:
            matchLabels: {ns: x}
        ingress:
        - name: no-y
          action: Deny
          from:
          - namespaces:
              matchLabels: {ns: y}
      """;

  private static String scrape(AgentMetrics metrics) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out,
        metrics.registry().scrape());
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static MockCluster started(List<WatchedKind> served) throws Exception {
    MockCluster m = new MockCluster();
    m.serve(served);
    MockCluster.base().forEach(m::put);
    m.agent.start();
    m.awaitEnforced("start");
    return m;
  }

  @Test
  void calicoTierPoliciesCreatedEditedAndDeleted() throws Exception {
    try (MockCluster m = started(WatchedKind.CALICO)) {
      m.put(SECURITY_TIER);
      m.put(DENY_CLIENTS_TO_DB);
      m.put(WEB_FROM_CLIENTS);
      m.awaitEnforced("tier, global deny and namespaced allow created");
      assertThat(m.agent.snapshot().cluster().calico().policies()).hasSize(2);

      m.put(WEB_FROM_CLIENTS.replace("ports: [80]", "ports: [8080]"));
      m.awaitEnforced("allow moved to 8080");
      m.put(DENY_CLIENTS_TO_DB.replace("selector: app == 'db'", "selector: app == 'web'"));
      m.awaitEnforced("deny moved to the web pods");

      m.delete(DENY_CLIENTS_TO_DB.replace("selector: app == 'db'", "selector: app == 'web'"));
      m.awaitEnforced("global deny deleted");
      m.delete(WEB_FROM_CLIENTS.replace("ports: [80]", "ports: [8080]"));
      m.delete(SECURITY_TIER);
      m.awaitEnforced("namespaced allow and tier deleted");
      assertThat(m.agent.snapshot().cluster().calico().hasCalicoObjects()).isFalse();
      assertThat(m.agent.skippedKinds()).doesNotContainAnyElementsOf(WatchedKind.CALICO);
    }
  }

  @Test
  void serviceAccountsAreWatchedWithCalicoAndDecideItsServiceAccountSelectors() throws Exception {
    try (MockCluster m = started(WatchedKind.CALICO)) {
      assertThat(m.agent.watchedKinds()).containsAll(WatchedKind.REFERENCED);
      String robot = """
          apiVersion: v1
          kind: ServiceAccount
          metadata: {name: robot, namespace: y, labels: {team: ops}}
          """;
      m.put(robot);
      m.put(MockCluster.pod("y", "r", "{role: robot}", "node-b", "10.244.1.20")
          .replace("spec: {", "spec: {serviceAccountName: robot, "));
      m.put("""
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: no-ops-to-db}
          spec:
            order: 10
            selector: app == 'db'
            types: [Ingress]
            ingress:
            - action: Deny
              source:
                serviceAccounts: {selector: team == 'ops'}
                namespaceSelector: all()
            - action: Allow
          """);
      m.awaitEnforced("policy denying the ops service accounts");
      m.put(robot.replace("team: ops", "team: dev"));
      m.awaitEnforced("service account relabelled");
      m.delete(robot.replace("team: ops", "team: dev"));
      m.awaitEnforced("service account deleted");
    }
  }

  @Test
  void ciliumPoliciesCreatedEditedAndDeleted() throws Exception {
    try (MockCluster m = started(WatchedKind.CILIUM)) {
      m.put(CILIUM_WEB);
      m.put(CILIUM_DB_FROM_CLUSTER);
      m.awaitEnforced("namespaced and clusterwide policies created");
      assertThat(m.agent.snapshot().cluster().cilium().policies()).hasSize(2);

      m.put(CILIUM_WEB.replace("{port: \"80\", protocol: TCP}", "{port: \"8080\", protocol: TCP}"));
      m.awaitEnforced("namespaced policy edited");
      m.put(CILIUM_DB_FROM_CLUSTER.replace("fromEntities: [cluster]", "fromEntities: [world]"));
      m.awaitEnforced("clusterwide policy edited");

      m.delete(CILIUM_WEB);
      m.awaitEnforced("namespaced policy deleted");
      m.delete(CILIUM_DB_FROM_CLUSTER);
      m.awaitEnforced("clusterwide policy deleted");
      assertThat(m.agent.snapshot().cluster().cilium().isEmpty()).isTrue();
    }
  }

  @Test
  void aClusterNetworkPolicyCreatedAndDeleted() throws Exception {
    try (MockCluster m = started(List.of(WatchedKind.CLUSTER_NETWORK_POLICIES))) {
      m.put(AgentMockServerTest.WEB_FROM_CLIENTS);
      m.awaitEnforced("NetworkPolicy created");
      m.put(ADMIN_DENY_Y);
      m.awaitEnforced("ClusterNetworkPolicy created");
      assertThat(m.agent.snapshot().cluster().clusterNetworkPolicies()).hasSize(1);
      m.delete(ADMIN_DENY_Y);
      m.awaitEnforced("ClusterNetworkPolicy deleted");
      assertThat(m.agent.snapshot().cluster().clusterNetworkPolicies()).isEmpty();
      List<RecordingApplier.Applied> applied = m.applier.applied();
      assertThat(applied.subList(1, applied.size())).as("after the start every apply is a delta")
          .noneMatch(RecordingApplier.Applied::full);
    }
  }

  @Test
  void aRejectedCalicoObjectIsReportedAndTheRestApplied() throws Exception {
    try (MockCluster m = started(WatchedKind.CALICO)) {
      m.put(SECURITY_TIER);
      m.put(DENY_CLIENTS_TO_DB);
      m.awaitEnforced("tier and global deny created");

      // An edit the validator refuses (a numeric port without a protocol): the deny stays.
      m.putInvalid(DENY_CLIENTS_TO_DB.replace("namespaceSelector: all()",
          "namespaceSelector: all()\n    destination:\n      ports: [5432]"));
      // A new policy that was never valid (the same mistake): not enforced.
      m.putInvalid("""
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: security.broken}
          spec:
            tier: security
            order: 30
            selector: all()
            ingress:
            - action: Deny
              destination:
                ports: [22]
          """);
      // A valid one after them: enforced.
      m.put(WEB_FROM_CLIENTS);
      m.awaitEnforced("rejected edit, rejected policy, then a valid one");
      assertThat(m.agent.snapshot().cluster().calico().policies()).extracting(p -> p.name())
          .containsExactlyInAnyOrder("security.deny-clients-to-db", "security.web-from-clients");
      assertThat(m.log())
          .contains("msg=\"object rejected\" kind=GlobalNetworkPolicy.projectcalico.org "
              + "object=security.deny-clients-to-db kept=\"last accepted version\"")
          .contains("object=security.broken kept=\"none (never accepted)\"")
          .containsPattern("reason=\"GlobalNetworkPolicy.projectcalico.org security.broken:\\d+:\\d+: "
              + "spec\\.ingress\\[0\\]\\.destination\\.ports");
      List<Event> events = m.client.v1().events().inAnyNamespace().list().getItems();
      assertThat(events).extracting(e -> e.getInvolvedObject().getName())
          .contains("security.deny-clients-to-db", "security.broken");
      assertThat(events).filteredOn(e -> e.getInvolvedObject().getName().equals("security.broken"))
          .allMatch(e -> e.getReason().equals("NetpolcRejected")
              && e.getInvolvedObject().getApiVersion().equals("projectcalico.org/v3"));
      assertThat(scrape(m.metrics)).contains(
          "netpolc_agent_rejected_objects_total{kind=\"GlobalNetworkPolicy.projectcalico.org\"} 2.0");
    }
  }

  @Test
  void aClusterWithoutTheCrdsSkipsEachKindWithOneLineAndEnforcesTheRest() throws Exception {
    try (MockCluster m = started(List.of())) {
      m.put(AgentMockServerTest.WEB_FROM_CLIENTS);
      m.awaitEnforced("NetworkPolicy created");
      List<WatchedKind> optional = WatchedKind.ALL.stream().filter(WatchedKind::optional).toList();
      assertThat(m.agent.skippedKinds()).containsExactlyElementsOf(optional);
      assertThat(m.agent.watchedKinds()).containsExactly(WatchedKind.NAMESPACES, WatchedKind.PODS,
          WatchedKind.NODES, WatchedKind.NETWORK_POLICIES);
      for (WatchedKind k : optional) {
        String why = WatchedKind.REFERENCED.contains(k) ? "not needed" : "not served";
        assertThat(m.log().lines().filter(l -> l.contains("msg=\"kind " + why + ", skipped\" kind=" + k.label()
            + " apiVersion=" + k.apiVersion()))).as(k.label()).hasSize(1);
      }
      assertThat(m.log().lines().filter(l -> l.contains(", skipped\""))).hasSize(optional.size());
      assertThat(m.log().lines().filter(l -> l.contains("msg=\"kind not served, skipped\"")))
          .allMatch(l -> l.contains(" answer="));
      String metrics = scrape(m.metrics);
      assertThat(metrics).contains("netpolc_agent_kinds{kind=\"CiliumNetworkPolicy\",state=\"skipped\"} 1.0")
          .contains("netpolc_agent_kinds{kind=\"NetworkPolicy.projectcalico.org\",state=\"skipped\"} 1.0")
          .contains("netpolc_agent_kinds{kind=\"NetworkPolicy\",state=\"watched\"} 1.0")
          .contains("netpolc_agent_kinds{kind=\"EndpointSlice\",state=\"unneeded\"} 1.0");
    }
  }
}
