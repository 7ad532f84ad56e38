package dev.netpolc.model.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.AnpPort;
import dev.netpolc.model.npa.AnpRule;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.PortRange;
import dev.netpolc.model.yaml.ValidPolicyGen;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/** Each CRD rule of the cluster policy API (NP151–NP163): inputs it rejects, and the nearest it accepts. */
class ClusterPolicyValidatorTest {
  private static final Validator V = new Validator(ValidationOptions.DEFAULT);
  private static final ClusterPolicySubject ALL = ClusterPolicySubject.namespaces(LabelSelector.EVERYTHING);
  private static final ClusterPolicyPeer PODS = ClusterPolicyPeer.pods(LabelSelector.EVERYTHING,
      LabelSelector.EVERYTHING);

  private static ClusterNetworkPolicy cnp(List<ClusterPolicyRule> ingress, List<ClusterPolicyRule> egress) {
    return ClusterNetworkPolicy.of("p", PolicyTier.ADMIN, 5, ALL, ingress, egress);
  }

  private static ClusterNetworkPolicy egress(ClusterPolicyRule... rules) {
    return cnp(List.of(), List.of(rules));
  }

  private static ClusterNetworkPolicy ingress(ClusterPolicyRule... rules) {
    return cnp(List.of(rules), List.of());
  }

  private static ClusterPolicyRule rule(String action, ClusterPolicyPeer... peers) {
    return new ClusterPolicyRule(Optional.empty(), action, List.of(peers), Optional.empty());
  }

  private static ClusterPolicyRule rule(List<ClusterPolicyPeer> peers, ClusterPolicyProtocol... protocols) {
    return new ClusterPolicyRule(Optional.empty(), "Accept", peers, Optional.of(List.of(protocols)));
  }

  private static AdminNetworkPolicy anp(int priority, List<AnpRule> ingress, List<AnpRule> egress) {
    return new AdminNetworkPolicy("a", priority, ALL, ingress, egress, SourceMap.EMPTY, Set.of());
  }

  private static BaselineAdminNetworkPolicy banp(String name, List<AnpRule> ingress, List<AnpRule> egress) {
    return new BaselineAdminNetworkPolicy(name, ALL, ingress, egress, SourceMap.EMPTY, Set.of());
  }

  private static AnpRule anpRule(String action, List<ClusterPolicyPeer> peers, AnpPort... ports) {
    return new AnpRule(Optional.empty(), action, peers, ports.length == 0 ? Optional.empty()
        : Optional.of(List.of(ports)));
  }

  private static AnpPort portNumber(String protocol, int port) {
    return new AnpPort(Optional.of(new AnpPort.ProtocolPort(protocol, port)), Optional.empty(), Optional.empty());
  }

  private static AnpPort portRange(int start, int end) {
    return new AnpPort(Optional.empty(), Optional.empty(), Optional.of(new AnpPort.ProtocolRange("TCP", start, end)));
  }

  private static AnpPort named(String name) {
    return new AnpPort(Optional.empty(), Optional.of(name), Optional.empty());
  }

  private static List<String> found(List<Diagnostic> ds) {
    return ds.stream().map(d -> d.ruleId() + " " + d.path()).collect(Collectors.toList());
  }

  private static List<String> found(ClusterNetworkPolicy p) {
    return found(V.validate(p));
  }

  @Test
  void np151TierIsAdminOrBaseline() {
    for (String bad : List.of("admin", "", "Developer", "NetworkPolicy")) {
      ClusterNetworkPolicy p = new ClusterNetworkPolicy("p", bad, 0, ALL, List.of(), List.of(),
          dev.netpolc.model.npa.ClusterPolicyKind.CLUSTER_NETWORK_POLICY, SourceMap.EMPTY, Set.of());
      assertThat(found(p)).containsExactly("NP151 spec.tier");
      assertThat(V.validate(p).get(0).message()).contains("\"" + bad + "\"").contains("\"Admin\", \"Baseline\"");
    }
    assertThat(found(ClusterNetworkPolicy.of("p", PolicyTier.BASELINE, 0, ALL, List.of(), List.of()))).isEmpty();
  }

  @Test
  void np152PriorityWithin0To1000() {
    for (int bad : new int[] {-1, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      assertThat(found(ClusterNetworkPolicy.of("p", PolicyTier.ADMIN, bad, ALL, List.of(), List.of())))
          .containsExactly("NP152 spec.priority");
      assertThat(found(V.validate(anp(bad, List.of(), List.of())))).containsExactly("NP152 spec.priority");
    }
    for (int ok : new int[] {0, 1000}) {
      assertThat(found(ClusterNetworkPolicy.of("p", PolicyTier.ADMIN, ok, ALL, List.of(), List.of()))).isEmpty();
      assertThat(found(V.validate(anp(ok, List.of(), List.of())))).isEmpty();
    }
  }

  @Test
  void np153ActionsPerKind() {
    assertThat(found(ingress(rule("Allow", PODS)))).containsExactly("NP153 spec.ingress[0].action");
    assertThat(V.validate(ingress(rule("Allow", PODS))).get(0).message()).contains("Allow is Accept in v1alpha2");
    assertThat(found(egress(rule("accept", PODS), rule("", PODS))))
        .containsExactly("NP153 spec.egress[0].action", "NP153 spec.egress[1].action");
    assertThat(found(egress(rule("Accept", PODS), rule("Deny", PODS), rule("Pass", PODS)))).isEmpty();
    assertThat(found(V.validate(anp(1, List.of(anpRule("Accept", List.of(PODS))), List.of()))))
        .containsExactly("NP153 spec.ingress[0].action");
    assertThat(found(V.validate(anp(1, List.of(anpRule("Allow", List.of(PODS)), anpRule("Pass", List.of(PODS))),
        List.of())))).isEmpty();
    assertThat(found(V.validate(banp("default", List.of(), List.of(anpRule("Pass", List.of(PODS)))))))
        .containsExactly("NP153 spec.egress[0].action");
    assertThat(found(V.validate(banp("default", List.of(anpRule("Allow", List.of(PODS))),
        List.of(anpRule("Deny", List.of(PODS))))))).isEmpty();
  }

  @Test
  void np154ListSizes() {
    List<ClusterPolicyRule> rules25 = Collections.nCopies(25, rule("Deny", PODS));
    List<ClusterPolicyRule> rules26 = Collections.nCopies(26, rule("Deny", PODS));
    assertThat(found(cnp(rules25, rules25))).isEmpty();
    assertThat(found(cnp(rules26, rules25))).containsExactly("NP154 spec.ingress");
    assertThat(V.validate(cnp(rules26, List.of())).get(0).message()).contains("Too many: 26: must have at most 25");
    assertThat(found(ingress(rule("Deny")))).containsExactly("NP154 spec.ingress[0].from");
    ClusterPolicyPeer[] peers26 = Collections.nCopies(26, PODS).toArray(new ClusterPolicyPeer[0]);
    assertThat(found(egress(rule("Deny", peers26)))).containsExactly("NP154 spec.egress[0].to");
    assertThat(found(egress(rule(List.of(PODS))))).containsExactly("NP154 spec.egress[0].protocols");
    ClusterPolicyProtocol[] protocols26 = Collections.nCopies(26, ClusterPolicyProtocol.tcp(DestinationPort.number(80)))
        .toArray(new ClusterPolicyProtocol[0]);
    assertThat(found(egress(rule(List.of(PODS), protocols26)))).containsExactly("NP154 spec.egress[0].protocols");
    List<String> cidrs = new ArrayList<>();
    for (int i = 0; i < 26; i++) {
      cidrs.add("10." + i + ".0.0/16");
    }
    assertThat(found(egress(rule("Deny", ClusterPolicyPeer.networks(cidrs.subList(0, 25)))))).isEmpty();
    assertThat(found(egress(rule("Deny", ClusterPolicyPeer.networks(cidrs)))))
        .containsExactly("NP154 spec.egress[0].to[0].networks");
    assertThat(found(egress(rule("Deny", ClusterPolicyPeer.networks(List.of())))))
        .containsExactly("NP154 spec.egress[0].to[0].networks");
    assertThat(found(egress(rule("Accept", ClusterPolicyPeer.domainNames(List.of())))))
        .containsExactly("NP154 spec.egress[0].to[0].domainNames");
    // v1alpha1: 100 rules, 1-100 peers and ports.
    List<AnpRule> anp100 = Collections.nCopies(100, anpRule("Deny", List.of(PODS)));
    assertThat(found(V.validate(anp(1, anp100, anp100)))).isEmpty();
    assertThat(found(V.validate(anp(1, List.of(), Collections.nCopies(101, anpRule("Deny", List.of(PODS)))))))
        .containsExactly("NP154 spec.egress");
    assertThat(found(V.validate(anp(1, List.of(anpRule("Deny", Collections.nCopies(101, PODS))), List.of()))))
        .containsExactly("NP154 spec.ingress[0].from");
    assertThat(found(V.validate(anp(1, List.of(new AnpRule(Optional.empty(), "Deny", List.of(PODS),
        Optional.of(List.of()))), List.of())))).containsExactly("NP154 spec.ingress[0].ports");
    assertThat(found(V.validate(banp("default", List.of(), List.of(anpRule("Deny", List.of(PODS),
        Collections.nCopies(101, portNumber("TCP", 80)).toArray(new AnpPort[0]))))))).containsExactly(
        "NP154 spec.egress[0].ports");
  }

  @Test
  void np155ExactlyOneField() {
    ClusterPolicySubject none = new ClusterPolicySubject(Optional.empty(), Optional.empty());
    ClusterPolicySubject both = new ClusterPolicySubject(Optional.of(LabelSelector.EVERYTHING),
        Optional.of(new dev.netpolc.model.npa.NamespacedPods(LabelSelector.EVERYTHING, LabelSelector.EVERYTHING)));
    assertThat(found(ClusterNetworkPolicy.of("p", PolicyTier.ADMIN, 1, none, List.of(), List.of())))
        .containsExactly("NP155 spec.subject");
    assertThat(found(ClusterNetworkPolicy.of("p", PolicyTier.ADMIN, 1, both, List.of(), List.of())))
        .containsExactly("NP155 spec.subject");
    ClusterPolicyPeer empty = new ClusterPolicyPeer(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
    ClusterPolicyPeer two = new ClusterPolicyPeer(Optional.of(LabelSelector.EVERYTHING), Optional.empty(),
        Optional.of(LabelSelector.EVERYTHING), Optional.empty(), Optional.empty());
    assertThat(found(egress(rule("Deny", empty, two))))
        .containsExactly("NP155 spec.egress[0].to[0]", "NP155 spec.egress[0].to[1]");
    ClusterPolicyProtocol noField = new ClusterPolicyProtocol(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
    ClusterPolicyProtocol tcpAndNamed = new ClusterPolicyProtocol(Optional.of(DestinationPort.number(1)),
        Optional.empty(), Optional.empty(), Optional.of("http"));
    assertThat(found(egress(rule(List.of(PODS), noField, tcpAndNamed))))
        .containsExactly("NP155 spec.egress[0].protocols[0]", "NP155 spec.egress[0].protocols[1]");
    // tcp without destinationPort (MinProperties), destinationPort with both fields (MaxProperties)
    assertThat(found(egress(rule(List.of(PODS), ClusterPolicyProtocol.tcp(DestinationPort.ANY)))))
        .containsExactly("NP155 spec.egress[0].protocols[0].tcp");
    assertThat(found(egress(rule(List.of(PODS), ClusterPolicyProtocol.udp(new DestinationPort(Optional.of(5),
        Optional.of(new PortRange(1, 9)))))))).containsExactly("NP155 spec.egress[0].protocols[0].udp.destinationPort");
    assertThat(found(egress(rule(List.of(PODS), ClusterPolicyProtocol.sctp(DestinationPort.range(1, 9)),
        ClusterPolicyProtocol.namedPort("http"))))).isEmpty();
    // v1alpha1 ports
    AnpPort emptyPort = new AnpPort(Optional.empty(), Optional.empty(), Optional.empty());
    AnpPort twoFields = new AnpPort(Optional.of(new AnpPort.ProtocolPort("TCP", 1)), Optional.of("x"),
        Optional.empty());
    assertThat(found(V.validate(anp(1, List.of(anpRule("Deny", List.of(PODS), emptyPort, twoFields)), List.of()))))
        .containsExactly("NP155 spec.ingress[0].ports[0]", "NP155 spec.ingress[0].ports[1]");
  }

  @Test
  void np156PortsWithin1To65535() {
    assertThat(found(egress(rule(List.of(PODS), ClusterPolicyProtocol.tcp(DestinationPort.number(0)),
        ClusterPolicyProtocol.udp(DestinationPort.number(65536)), ClusterPolicyProtocol.sctp(
            DestinationPort.range(0, 70000)))))).containsExactly(
        "NP156 spec.egress[0].protocols[0].tcp.destinationPort.number",
        "NP156 spec.egress[0].protocols[1].udp.destinationPort.number",
        "NP156 spec.egress[0].protocols[2].sctp.destinationPort.range.start",
        "NP156 spec.egress[0].protocols[2].sctp.destinationPort.range.end");
    assertThat(found(egress(rule(List.of(PODS), ClusterPolicyProtocol.tcp(DestinationPort.number(1)),
        ClusterPolicyProtocol.tcp(DestinationPort.range(1, 65535)))))).isEmpty();
    assertThat(found(V.validate(anp(1, List.of(anpRule("Deny", List.of(PODS), portNumber("UDP", 0),
        portRange(65536, 65537))), List.of())))).containsExactly("NP156 spec.ingress[0].ports[0].portNumber.port",
        "NP156 spec.ingress[0].ports[1].portRange.start", "NP156 spec.ingress[0].ports[1].portRange.end");
  }

  @Test
  void np157V1alpha2RangesAscend() {
    assertThat(found(egress(rule(List.of(PODS), ClusterPolicyProtocol.tcp(DestinationPort.range(80, 80)),
        ClusterPolicyProtocol.tcp(DestinationPort.range(81, 80)))))).containsExactly(
        "NP157 spec.egress[0].protocols[0].tcp.destinationPort.range",
        "NP157 spec.egress[0].protocols[1].tcp.destinationPort.range");
    assertThat(found(egress(rule(List.of(PODS), ClusterPolicyProtocol.tcp(DestinationPort.range(80, 81))))))
        .isEmpty();
    // v1alpha1 does not check the order (lint NP252 warns).
    assertThat(found(V.validate(anp(1, List.of(anpRule("Deny", List.of(PODS), portRange(90, 80))), List.of()))))
        .isEmpty();
  }

  @Test
  void np158NetworksAsIsCidrTakesThem() {
    List<String> bad = List.of("10.0.0.0", "10.0.0.0/33", "010.0.0.0/8", "10.0.0.0/08", "::ffff:10.0.0.0/104",
        "fe80::1%eth0/64", "10.0.0.0/8 ", "\uFF11.0.0.0/8", "10.0.0.0/-1", "fd00::/129", "");
    for (String cidr : bad) {
      assertThat(found(egress(rule("Deny", ClusterPolicyPeer.networks(List.of(cidr)))))).as(cidr)
          .containsExactly("NP158 spec.egress[0].to[0].networks[0]");
    }
    List<String> good = List.of("10.0.0.0/8", "10.0.0.1/8", "0.0.0.0/0", "::/0", "fd00::/8", "FD00::1/128",
        "::1.2.3.4/128", "255.255.255.255/32", "2001:db8:0000:0000:0000:0000:0000:0001/128");
    assertThat(found(egress(rule("Deny", ClusterPolicyPeer.networks(good))))).isEmpty();
    String long44 = "2001:0db8:0000:0000:0000:0000:0000:0001/0128";
    assertThat(long44).hasSize(44);
    assertThat(found(egress(rule("Deny", ClusterPolicyPeer.networks(List.of(long44))))))
        .containsExactly("NP158 spec.egress[0].to[0].networks[0]", "NP158 spec.egress[0].to[0].networks[0]");
    assertThat(found(egress(rule("Deny", ClusterPolicyPeer.networks(List.of("10.0.0.0/8", "10.0.0.0/8"))))))
        .containsExactly("NP158 spec.egress[0].to[0].networks[1]");
    assertThat(ClusterPolicyChecks.notCidr("10.0.0.1/24")).isEmpty();
    assertThat(ClusterPolicyChecks.notCidr("::ffff:10.0.0.0/104").orElseThrow()).contains("IPv4-mapped");
  }

  @Test
  void np159RuleNamesUpTo100Characters() {
    String hundred = "é".repeat(100);
    ClusterPolicyRule ok = new ClusterPolicyRule(Optional.of(hundred), "Deny", List.of(PODS), Optional.empty());
    ClusterPolicyRule tooLong = new ClusterPolicyRule(Optional.of(hundred + "x"), "Deny", List.of(PODS),
        Optional.empty());
    assertThat(found(cnp(List.of(ok), List.of(ok)))).isEmpty();
    assertThat(found(cnp(List.of(ok), List.of(ok, tooLong)))).containsExactly("NP159 spec.egress[1].name");
    assertThat(found(V.validate(banp("default", List.of(new AnpRule(Optional.of(hundred + "x"), "Deny",
        List.of(PODS), Optional.empty())), List.of())))).containsExactly("NP159 spec.ingress[0].name");
  }

  @Test
  void np160TheBaselineAdminNetworkPolicyIsNamedDefault() {
    assertThat(found(V.validate(banp("default", List.of(), List.of())))).isEmpty();
    assertThat(found(V.validate(banp("baseline", List.of(), List.of())))).containsExactly("NP160 metadata.name");
    assertThat(found(V.validate(banp("Default", List.of(), List.of()))))
        .containsExactly("NP109 metadata.name", "NP160 metadata.name");
  }

  @Test
  void np161DomainNamesMatchTheApiPattern() {
    List<String> good = List.of("kubernetes.io", "*.kubernetes.io", "www.kubernetes.io.", "a.b", "a-b_c.d0",
        "x1.y2.z3", "_a.b", "[a.b");
    assertThat(found(egress(rule("Accept", ClusterPolicyPeer.domainNames(good))))).isEmpty();
    for (String bad : List.of("kubernetes", "*.io", "a..b", "-a.b", "a-.b", "a.b-", "*kubernetes.io", "a.*.b",
        "a.b..", ".a.b", "ä.b", "a b.c", "", "*.", "a.b_")) {
      assertThat(found(egress(rule("Accept", ClusterPolicyPeer.domainNames(List.of(bad)))))).as(bad)
          .containsExactly("NP161 spec.egress[0].to[0].domainNames[0]");
    }
    assertThat(found(egress(rule("Accept", ClusterPolicyPeer.domainNames(List.of("a.b", "a.b"))))))
        .containsExactly("NP161 spec.egress[0].to[0].domainNames[1]");
  }

  @Test
  void theDomainNameMatcherIsTheCrdPatternOnAnyShortText() {
    Pattern crd = Pattern.compile(
        "^(\\*\\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.?$");
    qt().withExamples(20_000).forAll(SourceDSL.strings().betweenCodePoints('*', '`').ofLengthBetween(0, 9))
        .checkAssert(s -> assertThat(ClusterPolicyChecks.isDomainName(s)).as(s).isEqualTo(crd.matcher(s).matches()));
    qt().withExamples(20_000).forAll(SourceDSL.integers().between(0, 5).zip(SourceDSL.strings()
        .betweenCodePoints('-', 'z').ofLengthBetween(0, 12), (n, s) -> (n == 0 ? "*." : "") + s))
        .checkAssert(s -> assertThat(ClusterPolicyChecks.isDomainName(s)).as(s).isEqualTo(crd.matcher(s).matches()));
  }

  @Test
  void aHostileDomainNameIsCheckedInLinearTime() {
    String hostile = "a".repeat(1 << 20) + "!";
    long start = System.nanoTime();
    assertThat(ClusterPolicyChecks.isDomainName(hostile)).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }

  @Test
  void np162AddressPeersOnlyInEgressAndNoDomainNamesInBaselineAdminNetworkPolicies() {
    assertThat(found(ingress(rule("Deny", ClusterPolicyPeer.networks(List.of("10.0.0.0/8")),
        ClusterPolicyPeer.nodes(LabelSelector.EVERYTHING), ClusterPolicyPeer.domainNames(List.of("a.b")))))).containsExactly(
        "NP162 spec.ingress[0].from[0].networks", "NP162 spec.ingress[0].from[1].nodes",
        "NP162 spec.ingress[0].from[2].domainNames");
    // beside a valid field: the misplaced field is reported, the peer is otherwise fine
    ClusterPolicyPeer mixed = new ClusterPolicyPeer(Optional.of(LabelSelector.EVERYTHING), Optional.empty(),
        Optional.empty(), Optional.of(List.of("10.0.0.0/8")), Optional.empty());
    assertThat(found(ingress(rule("Deny", mixed)))).containsExactly("NP162 spec.ingress[0].from[0].networks");
    assertThat(found(egress(rule("Accept", ClusterPolicyPeer.networks(List.of("10.0.0.0/8")),
        ClusterPolicyPeer.nodes(LabelSelector.EVERYTHING), ClusterPolicyPeer.domainNames(List.of("a.b")))))).isEmpty();
    assertThat(found(V.validate(banp("default", List.of(), List.of(anpRule("Deny",
        List.of(ClusterPolicyPeer.domainNames(List.of("a.b"))))))))).containsExactly(
        "NP162 spec.egress[0].to[0].domainNames");
    assertThat(found(V.validate(anp(1, List.of(), List.of(anpRule("Allow",
        List.of(ClusterPolicyPeer.domainNames(List.of("a.b"))))))))).isEmpty();
  }

  @Test
  void np163NamedPortsBesideAddressPeers() {
    for (ClusterPolicyPeer address : List.of(ClusterPolicyPeer.networks(List.of("10.0.0.0/8")),
        ClusterPolicyPeer.nodes(LabelSelector.EVERYTHING), ClusterPolicyPeer.domainNames(List.of("a.b")))) {
      assertThat(found(egress(rule(List.of(PODS, address), ClusterPolicyProtocol.tcp(DestinationPort.number(80)),
          ClusterPolicyProtocol.namedPort("http"))))).containsExactly("NP163 spec.egress[0]");
      assertThat(found(egress(rule(List.of(PODS, address), ClusterPolicyProtocol.tcp(DestinationPort.number(80))))))
          .isEmpty();
    }
    assertThat(found(egress(rule(List.of(PODS), ClusterPolicyProtocol.namedPort("http"))))).isEmpty();
    // Only egress rules carry the CEL rule.
    assertThat(found(ingress(rule(List.of(PODS), ClusterPolicyProtocol.namedPort("http"))))).isEmpty();
    assertThat(found(V.validate(anp(1, List.of(), List.of(anpRule("Deny", List.of(ClusterPolicyPeer.nodes(
        LabelSelector.EVERYTHING)), named("http"))))))).containsExactly("NP163 spec.egress[0]");
    // A BaselineAdminNetworkPolicy's CEL rule knows networks and nodes only (domainNames is NP162 there).
    assertThat(found(V.validate(banp("default", List.of(), List.of(anpRule("Deny", List.of(
        ClusterPolicyPeer.networks(List.of("10.0.0.0/8"))), named("http"))))))).containsExactly("NP163 spec.egress[0]");
  }

  @Test
  void selectorsAndNamesAsForNetworkPolicies() {
    LabelSelector bad = new LabelSelector(Map.of("bad key!", "v"), List.of(
        new LabelSelectorRequirement("k", "Within", List.of())));
    ClusterNetworkPolicy p = new ClusterNetworkPolicy("Bad_Name", "Admin", 1, ClusterPolicySubject.pods(bad,
        LabelSelector.EVERYTHING), List.of(), List.of(rule("Deny", ClusterPolicyPeer.nodes(bad))),
        dev.netpolc.model.npa.ClusterPolicyKind.CLUSTER_NETWORK_POLICY, SourceMap.EMPTY, Set.of());
    assertThat(found(p)).containsExactly("NP109 metadata.name",
        "NP105 spec.subject.pods.namespaceSelector.matchLabels",
        "NP105 spec.subject.pods.namespaceSelector.matchExpressions[0].operator",
        "NP105 spec.egress[0].to[0].nodes.matchLabels", "NP105 spec.egress[0].to[0].nodes.matchExpressions[0].operator");
  }

  @Test
  void duplicatesPerKindAndEveryFindingBlocksCompilation() {
    ClusterNetworkPolicy a = ClusterNetworkPolicy.of("same", PolicyTier.ADMIN, 1, ALL, List.of(), List.of());
    AdminNetworkPolicy b = new AdminNetworkPolicy("same", 1, ALL, List.of(), List.of(), SourceMap.EMPTY, Set.of());
    Cluster c = Cluster.EMPTY.withTieredPolicies(List.of(a, a), List.of(b, b), List.of(banp("default", List.of(),
        List.of()), banp("default", List.of(), List.of())));
    List<Diagnostic> ds = V.validate(c);
    assertThat(ds).extracting(d -> d.ruleId() + " " + d.message().replaceAll(" is defined.*", "")).containsExactly(
        "NP107 metadata.name: ClusterNetworkPolicy same", "NP107 metadata.name: AdminNetworkPolicy same",
        "NP107 metadata.name: BaselineAdminNetworkPolicy default");
    // A ClusterNetworkPolicy and an AdminNetworkPolicy may share a name.
    assertThat(V.validate(Cluster.EMPTY.withTieredPolicies(List.of(a), List.of(b), List.of()))).isEmpty();
    ClusterNetworkPolicy bad = ClusterNetworkPolicy.of("p", PolicyTier.ADMIN, 2000, ALL, List.of(), List.of());
    assertThat(V.validate(Cluster.EMPTY.withTieredPolicies(List.of(bad), List.of(), List.of())))
        .isNotEmpty().allSatisfy(d -> {
          assertThat(d.severity()).isEqualTo(Severity.ERROR);
          assertThat(Validator.blocksCompilation(d)).isTrue();
        });
  }

  @Test
  void generatedValidPoliciesHaveNoFindings() {
    qt().withExamples(400).forAll(ValidPolicyGen.clusterNetworkPolicies(), ValidPolicyGen.adminNetworkPolicies(),
        ValidPolicyGen.baselineAdminNetworkPolicies()).checkAssert((c, a, b) -> {
          assertThat(V.validate(c)).as("%s", c).isEmpty();
          assertThat(V.validate(a)).as("%s", a).isEmpty();
          assertThat(V.validate(b)).as("%s", b).isEmpty();
        });
  }
}
