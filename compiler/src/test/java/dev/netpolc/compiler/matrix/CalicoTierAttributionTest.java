package dev.netpolc.compiler.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which Calico tier, policy and rule decided a matrix cell: a rule's Allow or Deny, a tier's
 * default Deny (the tier without a rule), a Pass on the way, and Calico's profile when every tier
 * passed (the default).
 */
class CalicoTierAttributionTest {
  private static final String CLUSTER = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: a}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: a, labels: {app: web}}
      spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}
      status: {phase: Running, podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: a, labels: {app: db}}
      spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}
      status: {phase: Running, podIP: 10.0.0.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: batch, namespace: a, labels: {app: batch}}
      spec: {containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.0.3}
      ---
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: security}
      spec: {order: 100}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: security.guard}
      spec:
        tier: security
        selector: all()
        types: [Ingress]
        ingress:
        - action: Deny
          source: {selector: app == 'batch'}
        - action: Pass
          source: {selector: app == 'web'}
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: db, namespace: a}
      spec:
        selector: app == 'db'
        ingress:
        - action: Allow
          source: {selector: app == 'web'}
          protocol: TCP
          destination: {ports: [8080]}
      """;

  private static final Probe TCP_8080 = new Probe(PortSpec.of(8080), Protocol.TCP);

  private static TierAttribution attribution() {
    ReadResult r = new PolicyReader().readString("c.yaml", CLUSTER);
    assertThat(r.errors()).isEmpty();
    Cluster c = r.cluster();
    return new TierAttribution(new ReferenceEvaluator(c));
  }

  private static CellDecision.Evaluated decide(String from, String to) {
    return (CellDecision.Evaluated) attribution().decide(TCP_8080, from, to);
  }

  @Test
  void aDenyRuleIsNamedWithItsTier() {
    CellDecision.Evaluated d = decide("a/batch", "a/db");
    assertThat(d.allowed()).isFalse();
    assertThat(d.tier()).isEqualTo(DecidingTier.CALICO);
    DirectionDecision in = d.deciding();
    assertThat(in.direction()).isEqualTo(PolicyType.Ingress);
    assertThat(in.calicoTier()).contains("security");
    assertThat(in.rule()).contains(new DirectionDecision.Rule(DecidingTier.CALICO, "GlobalNetworkPolicy/security.guard",
        0, Optional.empty(), "Deny", Optional.of("security")));
    assertThat(in.passes()).isEmpty();
  }

  @Test
  void anAllowAfterAPassNamesBothTiers() {
    DirectionDecision in = decide("a/web", "a/db").ingress();
    assertThat(in.allowed()).isTrue();
    assertThat(in.tier()).isEqualTo(DecidingTier.CALICO);
    assertThat(in.calicoTier()).contains("default");
    assertThat(in.rule().orElseThrow().policy()).isEqualTo("NetworkPolicy/a/db");
    assertThat(in.rule().orElseThrow().action()).isEqualTo("Allow");
    assertThat(in.passes()).containsExactly(new DirectionDecision.Rule(DecidingTier.CALICO,
        "GlobalNetworkPolicy/security.guard", 1, Optional.empty(), "Pass", Optional.of("security")));
  }

  @Test
  void aTiersDefaultDenyNamesTheTierWithoutARule() {
    // db's ingress from db itself is not a cell; from the pod 'web' on web: the guard matches
    // nothing for a/db -> a/web (source db), so the security tier's default Deny decides.
    DirectionDecision in = decide("a/db", "a/web").ingress();
    assertThat(in.allowed()).isFalse();
    assertThat(in.tier()).isEqualTo(DecidingTier.CALICO);
    assertThat(in.calicoTier()).contains("security");
    assertThat(in.rule()).isEmpty();
  }

  @Test
  void whenNoTierAppliesCalicosProfileAllowsByDefault() {
    DirectionDecision out = decide("a/web", "a/db").egress();
    assertThat(out.allowed()).isTrue();
    assertThat(out.tier()).isEqualTo(DecidingTier.DEFAULT);
    assertThat(out.calicoTier()).isEmpty();
    assertThat(out.rule()).isEmpty();
  }

  @Test
  void aCalicoTierIsNamedExactlyForCalicoDecisions() {
    assertThatThrownBy(() -> new DirectionDecision(PolicyType.Ingress, true, DecidingTier.CALICO, false,
        Optional.empty(), List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DirectionDecision.Rule(DecidingTier.ADMIN, "anp:x", 0, Optional.empty(), "Deny",
        Optional.of("security"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(DecidingTier.CALICO.id()).isEqualTo("calico");
  }
}
