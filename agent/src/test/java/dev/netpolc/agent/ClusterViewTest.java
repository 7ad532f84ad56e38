package dev.netpolc.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.model.npa.ClusterPolicyKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the view turns events of the Calico, Cilium and ClusterNetworkPolicy kinds into session changes. */
class ClusterViewTest {
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final ClusterView view = new ClusterView(new ModelConverter());

  private GenericKubernetesResource object(String yaml) {
    return serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  private static WatchEvent upsert(WatchedKind kind, HasMetadata o) {
    return new WatchEvent(kind, false, o, 0);
  }

  private static WatchEvent delete(WatchedKind kind, HasMetadata o) {
    return new WatchEvent(kind, true, o, 0);
  }

  private static List<Class<?>> types(ClusterView.Changes ch) {
    return ch.changes().stream().<Class<?>>map(Object::getClass).toList();
  }

  @Test
  void calicoObjectsOfOneBatchGoToTheSessionAsOneReplacedSet() {
    ClusterView.Changes ch = view.apply(List.of(
        upsert(WatchedKind.CALICO_TIERS, object(AgentPolicyKindsTest.SECURITY_TIER)),
        upsert(WatchedKind.CALICO_GLOBAL_NETWORK_POLICIES, object(AgentPolicyKindsTest.DENY_CLIENTS_TO_DB)),
        upsert(WatchedKind.CALICO_NETWORK_POLICIES, object(AgentPolicyKindsTest.WEB_FROM_CLIENTS)),
        upsert(WatchedKind.CILIUM_NETWORK_POLICIES, object(AgentPolicyKindsTest.CILIUM_WEB)),
        upsert(WatchedKind.CILIUM_CLUSTERWIDE_NETWORK_POLICIES, object(AgentPolicyKindsTest.CILIUM_DB_FROM_CLUSTER))));
    assertThat(ch.rejected()).isEmpty();
    assertThat(types(ch)).containsExactly(ClusterChange.CalicoObjectsReplaced.class,
        ClusterChange.CiliumPoliciesReplaced.class);
    var calico = ((ClusterChange.CalicoObjectsReplaced) ch.changes().get(0)).calico();
    assertThat(calico.tiers()).extracting(t -> t.name()).containsExactly("security");
    assertThat(calico.policies()).extracting(p -> p.name())
        .containsExactly("security.deny-clients-to-db", "security.web-from-clients");
    var cilium = ((ClusterChange.CiliumPoliciesReplaced) ch.changes().get(1)).cilium();
    assertThat(cilium.policies()).extracting(p -> p.name()).containsExactly("db-from-cluster", "web");
    assertThat(view.cluster().calico()).isEqualTo(calico);
    assertThat(view.cluster().cilium()).isEqualTo(cilium);

    // Deleting one object hands over the rest; a batch without Calico events hands over nothing.
    ch = view.apply(List.of(delete(WatchedKind.CALICO_GLOBAL_NETWORK_POLICIES,
        object(AgentPolicyKindsTest.DENY_CLIENTS_TO_DB))));
    assertThat(types(ch)).containsExactly(ClusterChange.CalicoObjectsReplaced.class);
    assertThat(((ClusterChange.CalicoObjectsReplaced) ch.changes().get(0)).calico().policies())
        .extracting(p -> p.name()).containsExactly("security.web-from-clients");
    ch = view.apply(List.of(upsert(WatchedKind.NAMESPACES, object("apiVersion: v1\nkind: Namespace\n"
        + "metadata: {name: x}\n"))));
    assertThat(types(ch)).containsExactly(ClusterChange.NamespaceUpserted.class);
  }

  @Test
  void aStatusOrBookkeepingUpdateOfACustomResourceChangesNothing() {
    GenericKubernetesResource web = object(AgentPolicyKindsTest.CILIUM_WEB);
    assertThat(view.apply(List.of(upsert(WatchedKind.CILIUM_NETWORK_POLICIES, web))).changes()).hasSize(1);
    GenericKubernetesResource again = serialization.clone(web);
    again.getMetadata().setResourceVersion("42");
    again.getAdditionalProperties().put("status", Map.of("nodes", Map.of("node-a", Map.of("ok", true))));
    ClusterView.Changes ch = view.apply(List.of(upsert(WatchedKind.CILIUM_NETWORK_POLICIES, again)));
    assertThat(ch.isEmpty()).isTrue();
    // A spec change is one.
    GenericKubernetesResource edited = object(AgentPolicyKindsTest.CILIUM_WEB.replace("\"80\"", "\"81\""));
    assertThat(types(view.apply(List.of(upsert(WatchedKind.CILIUM_NETWORK_POLICIES, edited)))))
        .containsExactly(ClusterChange.CiliumPoliciesReplaced.class);
  }

  @Test
  void aRejectedCalicoEditKeepsTheAcceptedVersionAndChangesNothing() {
    view.apply(List.of(upsert(WatchedKind.CALICO_GLOBAL_NETWORK_POLICIES,
        object(AgentPolicyKindsTest.DENY_CLIENTS_TO_DB))));
    var before = view.cluster().calico();
    ClusterView.Changes ch = view.apply(List.of(upsert(WatchedKind.CALICO_GLOBAL_NETWORK_POLICIES,
        object(AgentPolicyKindsTest.DENY_CLIENTS_TO_DB.replace("action: Deny", "action: Maybe")))));
    assertThat(ch.isEmpty()).isTrue();
    assertThat(ch.rejected()).singleElement().satisfies(r -> {
      assertThat(r.keptOld()).isTrue();
      assertThat(r.reason()).contains("GlobalNetworkPolicy.projectcalico.org security.deny-clients-to-db:")
          .contains("action");
    });
    assertThat(view.cluster().calico()).isEqualTo(before);
  }

  @Test
  void clusterNetworkPoliciesMapToTheirUpsertAndRemoval() {
    GenericKubernetesResource cnp = object(AgentPolicyKindsTest.ADMIN_DENY_Y);
    assertThat(types(view.apply(List.of(upsert(WatchedKind.CLUSTER_NETWORK_POLICIES, cnp)))))
        .containsExactly(ClusterChange.ClusterNetworkPolicyUpserted.class);
    assertThat(view.cluster().clusterNetworkPolicies()).hasSize(1);
    assertThat(view.apply(List.of(delete(WatchedKind.CLUSTER_NETWORK_POLICIES, cnp))).changes())
        .containsExactly(new ClusterChange.ClusterScopedPolicyRemoved(ClusterPolicyKind.CLUSTER_NETWORK_POLICY,
            "deny-from-y"));
    assertThat(view.keys(WatchedKind.CLUSTER_NETWORK_POLICIES)).isEmpty();
  }

  @Test
  void calicoAndKubernetesNetworkPoliciesWithOneNameAreDifferentObjects() {
    String k8s = AgentMockServerTest.WEB_FROM_CLIENTS.replace("name: web-from-clients", "name: security.web-from-clients");
    view.apply(List.of(upsert(WatchedKind.NETWORK_POLICIES, object(k8s)),
        upsert(WatchedKind.CALICO_NETWORK_POLICIES, object(AgentPolicyKindsTest.WEB_FROM_CLIENTS))));
    assertThat(view.keys(WatchedKind.NETWORK_POLICIES)).containsExactly("x/security.web-from-clients");
    assertThat(view.keys(WatchedKind.CALICO_NETWORK_POLICIES)).containsExactly("x/security.web-from-clients");
    assertThat(view.cluster().policies()).hasSize(1);
    assertThat(view.cluster().calico().policies()).hasSize(1);
  }
}
