package dev.netpolc.compiler.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.Protocol;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class IcmpProbeTest {

  private static List<Connection> asked(IcmpMessage message) {
    List<Connection> asked = new ArrayList<>();
    ConnectionDecider recorder = c -> {
      asked.add(c);
      return true;
    };
    ReachabilityMatrix m = MatrixComputer.compute(MatrixComputerTest.cluster(), recorder, Probe.icmp(message));
    assertThat(m.icmp()).isEqualTo(message);
    assertThat(m.probe()).isEqualTo(Probe.icmp(message));
    assertThat(m.port()).isNull();
    return asked;
  }

  @Test
  void anIcmpProbeAsksOnlyPairsWithIpv4Addresses() {
    // x/v4 and x/dual have IPv4 addresses; y/v6 has none, so it is never asked about.
    List<Connection> asked = asked(new IcmpMessage(false, 13, 0));
    assertThat(asked).allSatisfy(c -> {
      assertThat(c.protocol()).isEqualTo(Protocol.ICMP);
      assertThat(c.icmpType()).hasValue(13);
      assertThat(c.icmpCode()).hasValue(0);
    });
    assertThat(asked).extracting(c -> c.source() + " -> " + c.destination())
        .containsExactlyInAnyOrder("10.0.0.2 -> 10.0.0.1", "10.0.0.1 -> 10.0.0.2");
  }

  @Test
  void anIcmpv6ProbeAsksOnlyPairsWithIpv6AddressesEvenWhenBothHaveIpv4() {
    List<Connection> asked = asked(IcmpMessage.echoRequest(true));
    assertThat(asked).allSatisfy(c -> {
      assertThat(c.protocol()).isEqualTo(Protocol.ICMPV6);
      assertThat(c.port()).isEqualTo(128 * 256);
    });
    assertThat(asked).extracting(c -> c.source() + " -> " + c.destination())
        .containsExactlyInAnyOrder("fd00::2 -> fd00::3", "fd00::3 -> fd00::2");
  }

  @Test
  void aDenyingDeciderLeavesOnlySelfAndPairsWithoutTheFamilyUnreached() {
    ReachabilityMatrix m = MatrixComputer.compute(MatrixComputerTest.cluster(), c -> c.port() == 8 * 256,
        Probe.icmp(IcmpMessage.echoRequest(false)));
    assertThat(m.reaches("x/v4", "x/dual")).isTrue();
    assertThat(m.reaches("x/v4", "y/v6")).isFalse();
    assertThat(MatrixComputer.compute(MatrixComputerTest.cluster(), c -> c.port() == 8 * 256,
        Probe.icmp(new IcmpMessage(false, 8, 1))).reaches("x/v4", "x/dual")).isFalse();
  }

  @Test
  void aProbeIsExactlyAPortProbeOrAnIcmpOne() {
    assertThatThrownBy(() -> new Probe(PortSpec.of(80), Protocol.TCP, IcmpMessage.echoRequest(false)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Probe(null, null, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new IcmpMessage(false, 256, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IcmpMessage(true, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReachabilityMatrix(PortSpec.of(80), null, new TreeMap<>(), List.of()))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void portProbesSortBeforeIcmpProbesAndPrintAsBefore() {
    TreeSet<Probe> probes = new TreeSet<>(List.of(Probe.icmp(IcmpMessage.echoRequest(true)),
        Probe.icmp(new IcmpMessage(false, 13, 0)), new Probe(PortSpec.of(443), Protocol.TCP),
        Probe.icmp(IcmpMessage.echoRequest(false)), new Probe(PortSpec.of(53), Protocol.UDP)));
    assertThat(probes).extracting(Probe::toString).containsExactly("53/UDP", "443/TCP",
        "ICMP type 8 code 0", "ICMP type 13 code 0", "ICMPv6 type 128 code 0");
  }

  private static final String PING_ONLY = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: a}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: probe, namespace: a, labels: {app: probe}}
      spec: {containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: server, namespace: a, labels: {app: server}}
      spec: {containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.0.2}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: default.ping}
      spec:
        selector: app == 'server'
        types: [Ingress]
        ingress:
        - action: Allow
          protocol: ICMP
          icmp: {type: 8}
          source: {selector: app == 'probe'}
      """;

  @Test
  void tierAttributionNamesTheIcmpRuleOrTheTiersDefaultDeny() {
    ReadResult r = new PolicyReader().readString("c.yaml", PING_ONLY);
    assertThat(r.errors()).isEmpty();
    TierAttribution tiers = new TierAttribution(new ReferenceEvaluator(r.cluster()));
    CellDecision.Evaluated echo = (CellDecision.Evaluated) tiers.decide(
        Probe.icmp(IcmpMessage.echoRequest(false)), "a/probe", "a/server");
    assertThat(echo.allowed()).isTrue();
    assertThat(echo.ingress().rule().orElseThrow().policy()).isEqualTo("GlobalNetworkPolicy/default.ping");
    CellDecision.Evaluated timestamp = (CellDecision.Evaluated) tiers.decide(
        Probe.icmp(new IcmpMessage(false, 13, 0)), "a/probe", "a/server");
    assertThat(timestamp.allowed()).isFalse();
    assertThat(timestamp.ingress().calicoTier()).contains("default");
    assertThat(timestamp.ingress().rule()).isEmpty();
    // No IPv6 addresses: an ICMPv6 message has no pair to travel between.
    assertThat(tiers.decide(Probe.icmp(IcmpMessage.echoRequest(true)), "a/probe", "a/server"))
        .isEqualTo(new CellDecision.Settled(CellDecision.Reason.NO_ADDRESS));
  }
}
