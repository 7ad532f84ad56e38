package dev.netpolc.model.npa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The v1alpha1 kinds as ClusterNetworkPolicies (SEMANTICS-TIERS.md, "v1alpha1 lowering"). */
class V1alpha1LoweringTest {
  private static final ClusterPolicySubject ALL = ClusterPolicySubject.namespaces(LabelSelector.EVERYTHING);
  private static final List<ClusterPolicyPeer> PEERS = List.of(ClusterPolicyPeer.pods(LabelSelector.EVERYTHING,
      LabelSelector.ofLabels(Map.of("app", "db"))));

  private static AnpRule rule(String action, AnpPort... ports) {
    return new AnpRule(Optional.of("r-" + action), action, PEERS, ports.length == 0 ? Optional.empty()
        : Optional.of(List.of(ports)));
  }

  private static AnpPort number(String protocol, int port) {
    return new AnpPort(Optional.of(new AnpPort.ProtocolPort(protocol, port)), Optional.empty(), Optional.empty());
  }

  private static AnpPort range(String protocol, int start, int end) {
    return new AnpPort(Optional.empty(), Optional.empty(), Optional.of(new AnpPort.ProtocolRange(protocol, start,
        end)));
  }

  private static final ClusterPolicyProtocol NOTHING = new ClusterPolicyProtocol(Optional.empty(), Optional.empty(),
      Optional.empty(), Optional.empty());

  @Test
  void anAdminNetworkPolicyIsAnAdminTierPolicyAtItsPriority() {
    AdminNetworkPolicy anp = new AdminNetworkPolicy("guard", 42, ALL, List.of(rule("Allow")), List.of(rule("Pass")),
        SourceMap.EMPTY, Set.of("NP255"));
    ClusterNetworkPolicy p = V1alpha1Lowering.lower(anp);
    assertThat(p.parsedTier()).contains(PolicyTier.ADMIN);
    assertThat(p.priority()).isEqualTo(42);
    assertThat(p.kind()).isEqualTo(ClusterPolicyKind.ADMIN_NETWORK_POLICY);
    assertThat(p.key()).isEqualTo("anp:guard");
    assertThat(p.subject()).isEqualTo(ALL);
    assertThat(p.suppressedRules()).containsExactly("NP255");
    assertThat(p.ingress()).containsExactly(new ClusterPolicyRule(Optional.of("r-Allow"), "Accept", PEERS,
        Optional.empty()));
    assertThat(p.egress()).containsExactly(new ClusterPolicyRule(Optional.of("r-Pass"), "Pass", PEERS,
        Optional.empty()));
  }

  @Test
  void actionsAllowBecomesAcceptAndTheRestStayAsWritten() {
    assertThat(V1alpha1Lowering.action("Allow")).isEqualTo("Accept");
    assertThat(V1alpha1Lowering.action("Deny")).isEqualTo("Deny");
    assertThat(V1alpha1Lowering.action("Pass")).isEqualTo("Pass");
    assertThat(V1alpha1Lowering.action("allow")).isEqualTo("allow"); // invalid: validation reports it (NP153)
    assertThat(V1alpha1Lowering.action("Accept")).isEqualTo("Accept");
  }

  @Test
  void theBaselineAdminNetworkPolicyComesAfterEveryBaselineClusterNetworkPolicy() {
    BaselineAdminNetworkPolicy banp = new BaselineAdminNetworkPolicy("default", ALL, List.of(rule("Deny")),
        List.of(), SourceMap.EMPTY, Set.of());
    ClusterNetworkPolicy lowered = V1alpha1Lowering.lower(banp);
    assertThat(lowered.parsedTier()).contains(PolicyTier.BASELINE);
    assertThat(lowered.kind()).isEqualTo(ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY);
    assertThat(lowered.key()).isEqualTo("banp:default");
    ClusterNetworkPolicy last = ClusterNetworkPolicy.of("zzz", PolicyTier.BASELINE, 1000, ALL, List.of(), List.of());
    ClusterNetworkPolicy first = ClusterNetworkPolicy.of("aaa", PolicyTier.BASELINE, 0, ALL, List.of(), List.of());
    List<ClusterNetworkPolicy> order = new ArrayList<>(List.of(lowered, last, first));
    order.sort(ClusterNetworkPolicy.ORDER);
    assertThat(order).containsExactly(first, last, lowered);
  }

  @Test
  void atEqualPriorityAClusterNetworkPolicyComesBeforeAnAdminNetworkPolicyThenByName() {
    ClusterNetworkPolicy anp = V1alpha1Lowering.lower(new AdminNetworkPolicy("a", 7, ALL, List.of(), List.of(),
        SourceMap.EMPTY, Set.of()));
    ClusterNetworkPolicy cnpB = ClusterNetworkPolicy.of("b", PolicyTier.ADMIN, 7, ALL, List.of(), List.of());
    ClusterNetworkPolicy cnpC = ClusterNetworkPolicy.of("c", PolicyTier.ADMIN, 7, ALL, List.of(), List.of());
    ClusterNetworkPolicy earlier = ClusterNetworkPolicy.of("z", PolicyTier.ADMIN, 6, ALL, List.of(), List.of());
    List<ClusterNetworkPolicy> order = new ArrayList<>(List.of(anp, cnpC, earlier, cnpB));
    order.sort(ClusterNetworkPolicy.ORDER);
    assertThat(order).containsExactly(earlier, cnpB, cnpC, anp);
  }

  @Test
  void portsBecomeProtocolsAtTheSameIndex() {
    AnpPort named = new AnpPort(Optional.empty(), Optional.of("http"), Optional.empty());
    AnpPort twoFields = new AnpPort(Optional.of(new AnpPort.ProtocolPort("TCP", 1)), Optional.of("x"),
        Optional.empty());
    AdminNetworkPolicy anp = new AdminNetworkPolicy("p", 1, ALL, List.of(rule("Deny", number("TCP", 80),
        number("UDP", 53), range("SCTP", 100, 200), named, number("tcp", 80), range("ICMP", 1, 2),
        range("TCP", 9, 3), twoFields)), List.of(rule("Deny")), SourceMap.EMPTY, Set.of());
    ClusterNetworkPolicy p = V1alpha1Lowering.lower(anp);
    assertThat(p.ingress().get(0).protocols().orElseThrow()).containsExactly(
        ClusterPolicyProtocol.tcp(DestinationPort.number(80)),
        ClusterPolicyProtocol.udp(DestinationPort.number(53)),
        ClusterPolicyProtocol.sctp(DestinationPort.range(100, 200)),
        ClusterPolicyProtocol.namedPort("http"),
        NOTHING, // a protocol that is not TCP, UDP or SCTP (case matters) matches nothing
        NOTHING,
        ClusterPolicyProtocol.tcp(DestinationPort.range(9, 3)), // kept: start > end matches no port
        NOTHING); // not exactly one field: validation rejects it (NP155)
    assertThat(p.egress().get(0).protocols()).isEmpty(); // no ports: every protocol and port
  }

  @Test
  void positionsCarryOverToTheV1alpha2Paths() {
    String text = String.join("\n",
        "apiVersion: policy.networking.k8s.io/v1alpha1", // 1
        "kind: AdminNetworkPolicy",
        "metadata: {name: legacy}",
        "spec:",
        "  priority: 3", // 5
        "  subject: {namespaces: {}}",
        "  egress:",
        "  - name: out",
        "    action: Allow",
        "    to:", // 10
        "    - pods:",
        "        namespaceSelector: {}",
        "        podSelector: {}",
        "    ports:",
        "    - portNumber:", // 15
        "        port: 5432",
        "    - portRange:",
        "        protocol: UDP",
        "        start: 6000",
        "        end: 6010", // 20
        "    - namedPort: http",
        "    - portNumber: {protocol: ICMP, port: 1}",
        "");
    ReadResult r = new PolicyReader().readString("anp.yaml", text);
    assertThat(r.errors()).isEmpty();
    AdminNetworkPolicy anp = r.cluster().adminNetworkPolicies().get(0);
    SourceMap v1 = anp.source();
    SourceMap v2 = V1alpha1Lowering.lower(anp).source();
    assertThat(v2.objectPosition()).isEqualTo(v1.objectPosition());
    assertThat(v2.find("spec.priority")).isEqualTo(at(5, 13));
    assertThat(v2.find("spec.egress[0].action")).isEqualTo(at(9, 13));
    assertThat(v2.find("spec.egress[0].to[0].pods.podSelector")).isEqualTo(at(13, 9));
    assertThat(v2.find("spec.egress[0].protocols")).isEqualTo(at(14, 5));
    assertThat(v2.find("spec.egress[0].protocols[0]")).isEqualTo(at(15, 7));
    assertThat(v2.find("spec.egress[0].protocols[0].tcp.destinationPort.number")).isEqualTo(at(16, 15));
    assertThat(v2.find("spec.egress[0].protocols[1].udp")).isEqualTo(at(17, 7));
    assertThat(v2.find("spec.egress[0].protocols[1].udp.destinationPort.range.start")).isEqualTo(at(19, 16));
    assertThat(v2.find("spec.egress[0].protocols[1].udp.destinationPort.range.end")).isEqualTo(at(20, 14));
    assertThat(v2.find("spec.egress[0].protocols[2].destinationNamedPort")).isEqualTo(at(21, 18));
    // An entry that lowers to nothing is positioned at the v1alpha1 entry.
    assertThat(v2.find("spec.egress[0].protocols[3].tcp")).isEqualTo(at(22, 7));
    // The v1alpha1 paths are the ones the reader recorded.
    assertThat(v1.find("spec.egress[0].ports[1].portRange.start")).isEqualTo(at(19, 16));
    assertThat(v2.has("spec.egress[0].ports[1].portRange.start")).isFalse();
  }

  @Test
  void theClusterListsEveryKindLoweredInInputOrderPerKind() {
    AdminNetworkPolicy a1 = new AdminNetworkPolicy("a1", 1, ALL, List.of(), List.of(), SourceMap.EMPTY, Set.of());
    AdminNetworkPolicy a2 = new AdminNetworkPolicy("a2", 0, ALL, List.of(), List.of(), SourceMap.EMPTY, Set.of());
    BaselineAdminNetworkPolicy b = new BaselineAdminNetworkPolicy("default", ALL, List.of(), List.of(),
        SourceMap.EMPTY, Set.of());
    ClusterNetworkPolicy c = ClusterNetworkPolicy.of("c", PolicyTier.BASELINE, 5, ALL, List.of(), List.of());
    Cluster cluster = Cluster.EMPTY.withTieredPolicies(List.of(c), List.of(a1, a2), List.of(b));
    assertThat(cluster.tieredPolicies()).extracting(ClusterNetworkPolicy::key)
        .containsExactly("cnp:c", "anp:a1", "anp:a2", "banp:default");
    assertThat(cluster.hasTieredPolicies()).isTrue();
  }

  private static SourcePosition at(int line, int column) {
    return new SourcePosition("anp.yaml", line, column);
  }
}
