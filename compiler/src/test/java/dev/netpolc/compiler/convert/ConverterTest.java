package dev.netpolc.compiler.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.PolicyDiff;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Converter} on the examples and on small inputs written here. */
class ConverterTest {
  static final Path TIERS = Path.of("..", "examples", "tiers");
  static final Path CALICO = Path.of("..", "examples", "calico");

  static Cluster read(Path... paths) {
    ReadResult r = new PolicyReader().read(List.of(paths));
    assertThat(r.errors()).isEmpty();
    assertThat(AcceptanceGate.DEFAULT.check(r.cluster()).accepted()).isTrue();
    return r.cluster();
  }

  static Cluster readString(String yaml) {
    ReadResult r = new PolicyReader().readString("test.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  @Test
  void tiersExampleConvertsToClusterNetworkPolicyAndProves() {
    Cluster in = read(TIERS);
    Conversion c = Converter.convert(in, ConvertTarget.CLUSTER_NETWORK_POLICY, false, SemanticsOptions.DEFAULTS);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.accepted()).isTrue();
    assertThat(c.provedPods()).isEqualTo(6);
    assertThat(c.yaml()).doesNotContain("kind: AdminNetworkPolicy").contains("netpolc.dev/converted-from: "
        + "\"AdminNetworkPolicy/");
    Cluster back = readString(c.yaml());
    assertThat(back.adminNetworkPolicies()).isEmpty();
    assertThat(back.clusterNetworkPolicies()).hasSize(in.clusterNetworkPolicies().size()
        + in.adminNetworkPolicies().size() + in.baselineAdminNetworkPolicies().size());
    assertThat(back.policies()).hasSize(in.policies().size());
    assertThat(PolicyDiff.compute(in, in, back, SemanticsOptions.DEFAULTS).isEmpty()).isTrue();
  }

  @Test
  void tiersExampleToNetworkPolicyIsRefusedNamingRules() {
    Cluster in = read(TIERS);
    Conversion c = Converter.convert(in, ConvertTarget.NETWORK_POLICY, false, SemanticsOptions.DEFAULTS);
    assertThat(c.accepted()).isFalse();
    assertThat(c.yaml()).isEmpty();
    assertThat(c.refusals()).hasSize(in.tieredPolicies().size());
    assertThat(c.refusals()).allSatisfy(r -> {
      assertThat(r.position().isKnown()).isTrue();
      assertThat(r.source().kind()).isIn("ClusterNetworkPolicy", "AdminNetworkPolicy");
    });
    assertThat(c.refusals().get(0).toString()).matches(".*tiers.*:\\d+:\\d+: \\w+NetworkPolicy/[a-z0-9-]+ rule spec\\."
        + "(ingress|egress)\\[\\d+\\]: .*");
  }

  @Test
  void calicoExampleIsRefusedNamingEachRule() {
    Conversion c = Converter.convert(read(CALICO), ConvertTarget.CLUSTER_NETWORK_POLICY, false,
        SemanticsOptions.DEFAULTS);
    assertThat(c.accepted()).isFalse();
    assertThat(c.refusals()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.position().isKnown()).isTrue();
      assertThat(r.source().rule()).matches("spec\\.(ingress|egress)(\\[\\d+\\])?");
    });
  }

  @Test
  void networkPoliciesStayAsTheyAre() {
    Cluster in = readString("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: fe}}}]
            ports: [{port: 80}]
        """);
    for (ConvertTarget t : ConvertTarget.values()) {
      Conversion c = Converter.convert(in, t, false, SemanticsOptions.DEFAULTS);
      assertThat(c.accepted()).isTrue();
      assertThat(c.objects()).singleElement().satisfies(o -> {
        assertThat(o.exactness()).isEqualTo(Exactness.EXACT);
        assertThat(o.from()).hasToString("NetworkPolicy/shop/web");
      });
      assertThat(readString(c.yaml()).policies().get(0).ingress()).isEqualTo(in.policies().get(0).ingress());
    }
  }

  @Test
  void adminPolicyTiedWithClusterNetworkPolicyMovesPastIt() {
    // At equal priority a ClusterNetworkPolicy goes before an AdminNetworkPolicy whatever the names;
    // written as two ClusterNetworkPolicies the names would decide, so the admin one moves up.
    Cluster in = readString("""
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: z-allow}
        spec:
          tier: Admin
          priority: 5
          subject: {namespaces: {}}
          ingress:
          - {action: Accept, from: [{namespaces: {matchLabels: {team: x}}}]}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: a-deny}
        spec:
          priority: 5
          subject: {namespaces: {}}
          ingress:
          - {action: Deny, from: [{namespaces: {}}]}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: z-allow}
        spec:
          priority: 6
          subject: {namespaces: {}}
          egress:
          - {action: Allow, to: [{networks: [10.0.0.0/8]}]}
        """);
    Conversion c = Converter.convert(in, ConvertTarget.CLUSTER_NETWORK_POLICY, false, SemanticsOptions.DEFAULTS);
    assertThat(c.accepted()).isTrue();
    List<ClusterNetworkPolicy> out = readString(c.yaml()).clusterNetworkPolicies();
    assertThat(out).extracting(p -> p.name() + "@" + p.priority())
        .containsExactly("z-allow@5", "a-deny@6", "z-allow-2@7");
    assertThat(c.objects().get(2).notes()).anyMatch(n -> n.startsWith("renamed from z-allow"));
    assertThat(c.yaml()).contains("priority 5 -> 6");
  }
}
