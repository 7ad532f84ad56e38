package dev.netpolc.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyRule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each preset at full size has the published counts, and at reduced scale the published shape. */
class PresetTest {
  private static final List<String> BOTH = List.of("Ingress", "Egress");

  @Test
  void fullSizeCountsMatchTheAntreaTestsAndTheNodeAgentCase() {
    assertCounts(Preset.ANTREA_LARGE.spec(1), 25_000, 100_000, 75_000, 1_000);
    assertCounts(Preset.ANTREA_DENSE.spec(1), 1, 10_000, 10_000, 1_000);
    assertCounts(Preset.ANTREA_CLUSTER_SCOPED.spec(1), 1_000, 100_000, 10_000, 1_000);
    assertCounts(Preset.NODE_AGENT.spec(1), 1_000, 100_000, 10_000, 910);
    assertThat(Preset.NODE_AGENT.spec(1).focusNodePods()).isEqualTo(110);
    assertThat(Preset.byName("antrea-cluster-scoped")).contains(Preset.ANTREA_CLUSTER_SCOPED);
    assertThat(Preset.byName("nope")).isEmpty();
  }

  @Test
  void antreaLargeIsSmallNamespacesWithDefaultDenyAndTwoApps() {
    Cluster c = ClusterGenerator.generate(Preset.ANTREA_LARGE.spec(3, 0.004));
    assertThat(c.namespaces()).hasSize(100);
    for (Namespace ns : c.namespaces()) {
      assertThat(ns.labels()).containsEntry("app", ns.name());
      assertThat(ns.name()).hasSize(8);
      List<Pod> pods = podsIn(c, ns.name());
      assertThat(pods).extracting(Pod::name).containsExactly("pod1", "pod2", "pod3", "pod4");
      assertThat(pods).extracting(Pod::labels).containsExactly(Map.of("app-1", "scale-1"),
          Map.of("app-1", "scale-1"), Map.of("app-2", "scale-2"), Map.of("app-2", "scale-2"));
      List<NetworkPolicy> pols = policiesIn(c, ns.name());
      assertThat(pols).extracting(NetworkPolicy::name).containsExactly("default-deny-all", "np-1", "np-2");
      assertThat(pols).allSatisfy(p -> assertThat(p.policyTypes()).isEqualTo(BOTH));
      assertThat(pols.get(0).podSelector()).isEqualTo(LabelSelector.EVERYTHING);
      assertThat(pols.get(0).ingress()).isEmpty();
      assertThat(pols.get(1).ingress()).containsExactly(podRule("app-1", "scale-1", null));
      assertThat(pols.get(2).ingress()).containsExactly(podRule("app-2", "scale-2", null));
      assertThat(pols).allSatisfy(p -> assertThat(p.egress()).isEmpty());
    }
    assertThat(c.pods()).allSatisfy(p -> assertThat(p.ips()).hasSize(1));
    assertThat(c.pods().stream().map(Pod::nodeName).distinct().count()).isGreaterThan(1);
  }

  @Test
  void antreaDenseIsOneNamespaceWhereEveryPolicySelectsEveryPod() {
    Cluster c = ClusterGenerator.generate(Preset.ANTREA_DENSE.spec(3, 0.01));
    assertThat(c.namespaces()).hasSize(1);
    assertThat(c.pods()).hasSize(100).allSatisfy(p -> assertThat(p.labels()).isEqualTo(Map.of("app-1", "scale-1")));
    assertThat(c.policies()).hasSize(100).allSatisfy(p -> {
      assertThat(p.podSelector()).isEqualTo(LabelSelector.ofLabels(Map.of("app-1", "scale-1")));
      assertThat(p.ingress()).containsExactly(podRule("app-1", "scale-1", null));
      assertThat(p.policyTypes()).isEqualTo(BOTH);
    });
  }

  @Test
  void antreaClusterScopedSelectsPeersInTheSameCompanysNamespaces() {
    Cluster c = ClusterGenerator.generate(Preset.ANTREA_CLUSTER_SCOPED.spec(3, 0.2));
    assertThat(c.namespaces()).hasSize(200);
    assertThat(c.namespaces().stream().map(n -> n.labels().get("company")).collect(Collectors.toSet()))
        .hasSize(100);
    for (Namespace ns : c.namespaces()) {
      String company = ns.labels().get("company");
      assertThat(ns.name()).startsWith(company + "-");
      assertThat(podsIn(c, ns.name())).hasSize(100);
      List<NetworkPolicy> pols = policiesIn(c, ns.name());
      assertThat(pols).hasSize(10);
      for (int j = 0; j < 10; j++) {
        NetworkPolicy p = pols.get(j);
        assertThat(p.name()).isEqualTo("np-" + j);
        assertThat(p.podSelector()).isEqualTo(LabelSelector.ofLabels(Map.of("app", "scale-" + j)));
        assertThat(p.ingress()).containsExactly(podRule("app", "scale-" + j, Map.of("company", company)));
      }
    }
  }

  @Test
  void nodeAgentHasTheRealisticMixAndItsPodsOnTheFocusNode() {
    Cluster c = ClusterGenerator.generate(Preset.NODE_AGENT.spec(3, 0.05));
    assertThat(c.pods()).hasSize(5_000);
    assertThat(c.pods().stream().filter(p -> ClusterGenerator.FOCUS_NODE.equals(p.nodeName()))).hasSize(110);
    // Deployments: replicas share their labels.
    assertThat(c.pods().stream().map(Pod::labels).distinct().count()).isLessThan(c.pods().size() / 2);
    List<Peer> peers = c.policies().stream().flatMap(p -> java.util.stream.Stream.concat(p.ingress().stream(),
        p.egress().stream())).flatMap(r -> r.peers().stream()).collect(Collectors.toList());
    assertThat(peers).anyMatch(p -> p.podSelector().isPresent() && p.namespaceSelector().isEmpty());
    assertThat(peers).anyMatch(p -> p.podSelector().isPresent() && p.namespaceSelector().isPresent());
    assertThat(peers).anyMatch(p -> p.podSelector().isEmpty() && p.namespaceSelector().isPresent());
    assertThat(peers).anyMatch(p -> p.ipBlock().map(b -> !b.except().isEmpty()).orElse(false));
    assertThat(c.policies()).anyMatch(p -> p.ingress().stream().anyMatch(r -> r.ports().stream()
        .anyMatch(port -> port.port().map(v -> v.isNamed()).orElse(false))));
    Set<List<String>> types = c.policies().stream().map(NetworkPolicy::policyTypes).collect(Collectors.toSet());
    assertThat(types).contains(List.of(), List.of("Ingress"), List.of("Egress"), BOTH);
    assertThat(c.policies()).anyMatch(p -> p.name().startsWith("default-deny"));
    ClusterGeneratorTest.assertUniqueAddressesInPodRanges(c, true);
  }

  private static PolicyRule podRule(String key, String value, Map<String, String> namespaceLabels) {
    return new PolicyRule(List.of(new Peer(Optional.of(LabelSelector.ofLabels(Map.of(key, value))),
        Optional.ofNullable(namespaceLabels).map(LabelSelector::ofLabels), Optional.empty())), List.of());
  }

  private static void assertCounts(GeneratorSpec s, int namespaces, int pods, int policies, int nodes) {
    assertThat(List.of(s.namespaces(), s.pods(), s.policies(), s.nodes()))
        .containsExactly(namespaces, pods, policies, nodes);
  }

  private static List<Pod> podsIn(Cluster c, String ns) {
    return c.pods().stream().filter(p -> p.namespace().equals(ns)).collect(Collectors.toList());
  }

  private static List<NetworkPolicy> policiesIn(Cluster c, String ns) {
    return c.policies().stream().filter(p -> p.namespace().equals(ns)).collect(Collectors.toList());
  }
}
