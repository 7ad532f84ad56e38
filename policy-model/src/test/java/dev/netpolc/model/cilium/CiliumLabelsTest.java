package dev.netpolc.model.cilium;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Pod;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cilium's label conventions: the labels a pod is matched on, source prefixes, and the implicit
 * namespace restriction of a CiliumNetworkPolicy's selectors (SEMANTICS-CILIUM.md).
 */
class CiliumLabelsTest {
  private static final Cluster CLUSTER = read("""
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: a}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: ops, labels: {team: b}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec: {serviceAccountName: front}
      status: {podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: mon, namespace: ops, labels: {app: web}}
      status: {podIP: 10.0.0.2}
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: shop}
      spec: {endpointSelector: {}}
      ---
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: c}
      spec: {endpointSelector: {}}
      """);
  private static final CiliumPolicy CNP = CLUSTER.cilium().policies().get(0);
  private static final CiliumPolicy CCNP = CLUSTER.cilium().policies().get(1);

  private static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString("l.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  private static Map<String, String> identity(String podName) {
    Pod pod = CLUSTER.pods().stream().filter(p -> p.name().equals(podName)).findFirst().orElseThrow();
    Namespace ns = CLUSTER.namespacesByName().get(pod.namespace());
    return CiliumLabels.identity(pod, ns, CiliumLabels.DEFAULT_CLUSTER);
  }

  private static LabelSelector labels(String... kv) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return LabelSelector.ofLabels(m);
  }

  @Test
  void aPodIsMatchedOnItsLabelsNamespaceServiceAccountAndCluster() {
    assertThat(identity("web")).containsOnly(
        Map.entry("app", "web"),
        Map.entry("io.kubernetes.pod.namespace", "shop"),
        Map.entry("io.cilium.k8s.namespace.labels.team", "a"),
        Map.entry("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name", "shop"),
        Map.entry("io.cilium.k8s.policy.serviceaccount", "front"),
        Map.entry("io.cilium.k8s.policy.cluster", "default"));
    assertThat(identity("mon")).containsEntry("io.cilium.k8s.policy.serviceaccount", "default");
  }

  @Test
  void k8sAndAnyPrefixesMatchPodLabelsOtherSourcesDoNot() {
    Map<String, String> web = identity("web");
    assertThat(CiliumLabels.matches(labels("k8s:app", "web"), web)).isTrue();
    assertThat(CiliumLabels.matches(labels("any:app", "web"), web)).isTrue();
    assertThat(CiliumLabels.matches(labels("app", "web"), web)).isTrue();
    assertThat(CiliumLabels.matches(labels("k8s:io.cilium.k8s.policy.serviceaccount", "front"), web)).isTrue();
    assertThat(CiliumLabels.matches(labels("container:app", "web"), web)).isFalse();
    assertThat(CiliumLabels.matches(labels("reserved:host", ""), web)).isFalse();
    assertThat(CiliumLabels.matches(labels("k8s:app", "db"), web)).isFalse();
    assertThat(CiliumLabels.Key.parse("k8s:app.kubernetes.io/name"))
        .isEqualTo(new CiliumLabels.Key("k8s", "app.kubernetes.io/name"));
    assertThat(CiliumLabels.Key.parse("app")).isEqualTo(new CiliumLabels.Key("any", "app"));
  }

  @Test
  void aNamespacedPolicySelectsSubjectsInItsOwnNamespaceOnly() {
    LabelSelector subject = CiliumLabels.subjectSelector(CNP, labels("app", "web"));
    assertThat(subject.matches(identity("web"))).isTrue();
    assertThat(subject.matches(identity("mon"))).isFalse();
    // A namespace named in the endpointSelector is ignored, not obeyed.
    LabelSelector other = CiliumLabels.subjectSelector(CNP, labels("k8s:io.kubernetes.pod.namespace", "ops"));
    assertThat(other.matches(identity("web"))).isTrue();
    assertThat(other.matches(identity("mon"))).isFalse();
    LabelSelector clusterwide = CiliumLabels.subjectSelector(CCNP, labels("app", "web"));
    assertThat(clusterwide.matches(identity("web"))).isTrue();
    assertThat(clusterwide.matches(identity("mon"))).isTrue();
  }

  @Test
  void peerSelectorsAreLimitedToThePolicyNamespaceUnlessTheyNameOne() {
    assertThat(CiliumLabels.peerSelector(CNP, labels("app", "web")).matches(identity("mon"))).isFalse();
    assertThat(CiliumLabels.peerSelector(CNP, labels("app", "web")).matches(identity("web"))).isTrue();
    assertThat(CiliumLabels.peerSelector(CNP, labels("k8s:io.kubernetes.pod.namespace", "ops"))
        .matches(identity("mon"))).isTrue();
    // Namespace labels lift the restriction ([choice], Cilium's parser tests).
    LabelSelector byTeam = CiliumLabels.peerSelector(CNP, labels("io.cilium.k8s.namespace.labels.team", "b"));
    assertThat(byTeam.matches(identity("mon"))).isTrue();
    assertThat(byTeam.matches(identity("web"))).isFalse();
    // In a CiliumClusterwideNetworkPolicy they match pods of every namespace, {} included.
    assertThat(CiliumLabels.peerSelector(CCNP, LabelSelector.EVERYTHING).matches(identity("mon"))).isTrue();
    assertThat(CiliumLabels.peerSelector(CCNP, LabelSelector.EVERYTHING).matches(Map.of())).isFalse();
    // Reserved selectors are not restricted, and match no pod.
    LabelSelector host = CiliumLabels.peerSelector(CNP, labels("reserved:host", ""));
    assertThat(CiliumLabels.selectsReserved(labels("reserved:host", ""))).isTrue();
    assertThat(host.matchLabels()).containsOnlyKeys("reserved:host");
    assertThat(host.matches(identity("web"))).isFalse();
  }
}
