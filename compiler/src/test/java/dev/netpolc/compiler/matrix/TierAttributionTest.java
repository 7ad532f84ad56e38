package dev.netpolc.compiler.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which tier decided a cell: hand-built clusters with one decision of each kind. */
class TierAttributionTest {
  static final Probe TCP_8080 = new Probe(PortSpec.of(8080), Protocol.TCP);

  static ClusterNetworkPolicy cnp(String name, String tier, int priority, LabelSelector subject,
      List<ClusterPolicyRule> ingress) {
    return new ClusterNetworkPolicy(name, tier, priority, ClusterPolicySubject.namespaces(subject), ingress, List.of(),
        ClusterPolicyKind.CLUSTER_NETWORK_POLICY, SourceMap.EMPTY, Set.of());
  }

  static ClusterPolicyRule rule(String name, String action, LabelSelector from) {
    return new ClusterPolicyRule(Optional.of(name), action, List.of(ClusterPolicyPeer.namespaces(from)),
        Optional.empty());
  }

  /**
   * Namespaces a and b (one pod each, on port 8080) and c (IPv6 only). Admin: ingress to a from b
   * passes, from c is denied; Baseline: ingress to a is denied from everything.
   */
  static TierAttribution attribution() {
    LabelSelector a = LabelSelector.ofLabels(Map.of(Namespace.NAME_LABEL, "a"));
    LabelSelector b = LabelSelector.ofLabels(Map.of(Namespace.NAME_LABEL, "b"));
    List<ContainerPort> web = List.of(new ContainerPort("web", 8080, Protocol.TCP));
    Cluster cluster = new Cluster(
        List.of(Namespace.of("a", Map.of()), Namespace.of("b", Map.of()), Namespace.of("c", Map.of())),
        List.of(MatrixComputerTest.pod("a", "p", "Running", web, "10.0.0.1"),
            MatrixComputerTest.pod("b", "p", "Running", List.of(), "10.0.0.2"),
            MatrixComputerTest.pod("c", "p", "Running", web, "fd00::3")),
        List.of(), List.of())
        .withTieredPolicies(List.of(
            cnp("guard", "Admin", 10, a, List.of(rule("from-b", "Pass", b), rule("rest", "Deny",
                LabelSelector.ofLabels(Map.of(Namespace.NAME_LABEL, "c"))))),
            cnp("floor", "Baseline", 10, a, List.of(rule("deny-all", "Deny", LabelSelector.EVERYTHING)))),
            List.of(), List.of());
    return new TierAttribution(new ReferenceEvaluator(cluster));
  }

  @Test
  void passHandsTheDecisionToTheBaselineTier() {
    CellDecision d = attribution().decide(TCP_8080, "b/p", "a/p");
    assertThat(d).isInstanceOf(CellDecision.Evaluated.class);
    CellDecision.Evaluated e = (CellDecision.Evaluated) d;
    assertThat(e.allowed()).isFalse();
    assertThat(e.tier()).isEqualTo(DecidingTier.BASELINE);
    assertThat(e.deciding().direction()).isEqualTo(PolicyType.Ingress);
    assertThat(e.deciding().rule()).contains(
        new DirectionDecision.Rule(DecidingTier.BASELINE, "cnp:floor", 0, Optional.of("deny-all"), "Deny"));
    assertThat(e.deciding().passes()).containsExactly(
        new DirectionDecision.Rule(DecidingTier.ADMIN, "cnp:guard", 0, Optional.of("from-b"), "Pass"));
    assertThat(e.egress().tier()).isEqualTo(DecidingTier.DEFAULT);
    assertThat(e.egress().allowed()).isTrue();
  }

  @Test
  void anAllowedPairWithNoPolicyIsDecidedByTheDefault() {
    CellDecision d = attribution().decide(TCP_8080, "a/p", "b/p");
    assertThat(d.allowed()).isTrue();
    assertThat(d.tier()).isEqualTo(DecidingTier.DEFAULT);
    assertThat(((CellDecision.Evaluated) d).deciding().direction()).isEqualTo(PolicyType.Ingress);
  }

  @Test
  void pairsThatNeverConnectAreSettledWithoutPolicy() {
    TierAttribution t = attribution();
    assertThat(t.decide(new Probe(PortSpec.named("web"), Protocol.TCP), "a/p", "b/p"))
        .isEqualTo(new CellDecision.Settled(CellDecision.Reason.NO_PORT));
    CellDecision noFamily = t.decide(TCP_8080, "a/p", "c/p");
    assertThat(noFamily).isEqualTo(new CellDecision.Settled(CellDecision.Reason.NO_ADDRESS));
    assertThat(noFamily.tier()).isEqualTo(DecidingTier.NONE);
    assertThat(noFamily.allowed()).isFalse();
  }

  @Test
  void aPodAndItselfOrAnUnknownPodHaveNoDecision() {
    TierAttribution t = attribution();
    assertThatThrownBy(() -> t.decide(TCP_8080, "a/p", "a/p")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.decide(TCP_8080, "a/p", "z/p")).isInstanceOf(IllegalArgumentException.class);
  }
}
