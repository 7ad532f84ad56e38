package dev.netpolc.model.validation;

import static dev.netpolc.model.validation.TestPolicies.block;
import static dev.netpolc.model.validation.TestPolicies.egress;
import static dev.netpolc.model.validation.TestPolicies.expr;
import static dev.netpolc.model.validation.TestPolicies.from;
import static dev.netpolc.model.validation.TestPolicies.ingress;
import static dev.netpolc.model.validation.TestPolicies.named;
import static dev.netpolc.model.validation.TestPolicies.pods;
import static dev.netpolc.model.validation.TestPolicies.port;
import static dev.netpolc.model.validation.TestPolicies.ports;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each API-server rule: inputs it rejects, and the nearest inputs it accepts. */
class ValidatorTest {
  private static final Validator LENIENT = new Validator(ValidationOptions.DEFAULT);
  private static final Validator STRICT = new Validator(new ValidationOptions(true));

  private static List<String> found(NetworkPolicy p) {
    return found(LENIENT, p);
  }

  private static List<String> found(Validator v, NetworkPolicy p) {
    return v.validate(p).stream().map(d -> d.ruleId() + " " + d.path()).collect(Collectors.toList());
  }

  @Test
  void np101InvalidCidrAndExcepts() {
    assertThat(found(ingress(from(block("10.0.0.0/33"))))).containsExactly("NP101 spec.ingress[0].from[0].ipBlock.cidr");
    assertThat(found(ingress(from(block("10.0.0.0"))))).containsExactly("NP101 spec.ingress[0].from[0].ipBlock.cidr");
    assertThat(found(ingress(from(block(""))))).containsExactly("NP101 spec.ingress[0].from[0].ipBlock.cidr");
    assertThat(found(ingress(from(block("10.0.0.0/8", "11.0.0.0/16")))))
        .containsExactly("NP101 spec.ingress[0].from[0].ipBlock.except[0]");
    assertThat(found(ingress(from(block("10.0.0.0/8", "10.0.0.0/16", "10.0.0.0/8")))))
        .containsExactly("NP101 spec.ingress[0].from[0].ipBlock.except[1]");
    assertThat(found(ingress(from(block("10.0.0.0/8", "fd00::/64")))))
        .containsExactly("NP101 spec.ingress[0].from[0].ipBlock.except[0]");
    assertThat(found(ingress(from(block("10.0.0.0/8", "bogus")))))
        .containsExactly("NP101 spec.ingress[0].from[0].ipBlock.except[0]");
    // nearest accepted: a /9 inside a /8, a /128 inside a /64, a /32 inside /31
    assertThat(found(ingress(from(block("10.0.0.0/8", "10.0.0.0/9"))))).isEmpty();
    assertThat(found(ingress(from(block("fd00::/64", "fd00::1/128"))))).isEmpty();
    assertThat(found(ingress(from(block("0.0.0.0/0", "10.0.0.0/31", "255.255.255.255/32"))))).isEmpty();
  }

  @Test
  void np214IrregularCidrsWarnByDefaultAndFailWhenStrict() {
    NetworkPolicy hostBits = ingress(from(block("10.0.0.1/24")));
    NetworkPolicy leadingZero = ingress(from(block("10.0.0.010/32")));
    NetworkPolicy mapped = ingress(from(block("::ffff:10.0.0.0/120")));
    for (NetworkPolicy p : List.of(hostBits, leadingZero, mapped)) {
      List<Diagnostic> lenient = LENIENT.validate(p);
      assertThat(lenient).extracting(Diagnostic::ruleId, Diagnostic::severity, Diagnostic::path)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("NP214", Severity.WARNING,
              "spec.ingress[0].from[0].ipBlock.cidr"));
      assertThat(found(STRICT, p)).containsExactly("NP101 spec.ingress[0].from[0].ipBlock.cidr");
    }
    assertThat(found(STRICT, ingress(from(block("10.0.0.0/24", "10.0.0.8/29"))))).isEmpty();
    assertThat(found(STRICT, ingress(from(block("10.0.0.0/24", "10.0.0.9/29")))))
        .containsExactly("NP101 spec.ingress[0].from[0].ipBlock.except[0]");
  }

  @Test
  void np102IpBlockWithSelector() {
    Peer both = new Peer(Optional.of(LabelSelector.EVERYTHING), Optional.empty(),
        Optional.of(new IpBlock("10.0.0.0/8", List.of())));
    assertThat(found(ingress(from(both)))).containsExactly("NP102 spec.ingress[0].from[0]");
    Peer nsAndBlock = new Peer(Optional.empty(), Optional.of(LabelSelector.EVERYTHING),
        Optional.of(new IpBlock("10.0.0.0/8", List.of())));
    assertThat(found(egress(new PolicyRule(List.of(nsAndBlock), List.of())))).containsExactly("NP102 spec.egress[0].to[0]");
    // nearest accepted: the two as separate peers, and both selectors in one peer
    assertThat(found(ingress(from(Peer.pods(LabelSelector.EVERYTHING), block("10.0.0.0/8"))))).isEmpty();
    assertThat(found(ingress(from(new Peer(Optional.of(LabelSelector.EVERYTHING),
        Optional.of(LabelSelector.EVERYTHING), Optional.empty()))))).isEmpty();
  }

  @Test
  void np103EmptyPeer() {
    Peer empty = new Peer(Optional.empty(), Optional.empty(), Optional.empty());
    assertThat(found(ingress(from(block("10.0.0.0/8"), empty)))).containsExactly("NP103 spec.ingress[0].from[1]");
    assertThat(found(ingress(from(Peer.pods(LabelSelector.EVERYTHING))))).isEmpty();
    assertThat(found(ingress(from()))).isEmpty();
  }

  @Test
  void np104EndPort() {
    assertThat(found(ingress(ports(port("TCP", 8443, 8000))))).containsExactly("NP104 spec.ingress[0].ports[0].endPort");
    assertThat(found(ingress(ports(port("TCP", null, 8000))))).containsExactly("NP104 spec.ingress[0].ports[0].endPort");
    assertThat(found(ingress(ports(named("http", 8000))))).containsExactly("NP104 spec.ingress[0].ports[0].endPort");
    assertThat(found(ingress(ports(port("TCP", 80, 70000))))).containsExactly("NP104 spec.ingress[0].ports[0].endPort");
    assertThat(found(ingress(ports(port("TCP", 8000, 8000), port(null, 1, 65535))))).isEmpty();
  }

  @Test
  void np105LabelsAndOperators() {
    assertThat(found(ingress(from(expr("app", "Exists", "web"))))).containsExactly(
        "NP105 spec.ingress[0].from[0].podSelector.matchExpressions[0].values");
    assertThat(found(ingress(from(expr("app", "In"))))).containsExactly(
        "NP105 spec.ingress[0].from[0].podSelector.matchExpressions[0].values");
    assertThat(found(ingress(from(expr("app", "in", "x"))))).containsExactly(
        "NP105 spec.ingress[0].from[0].podSelector.matchExpressions[0].operator");
    assertThat(found(ingress(from(expr("-app", "Exists"))))).containsExactly(
        "NP105 spec.ingress[0].from[0].podSelector.matchExpressions[0].key");
    assertThat(found(ingress(from(expr("app", "NotIn", "a b"))))).containsExactly(
        "NP105 spec.ingress[0].from[0].podSelector.matchExpressions[0].values[0]");
    assertThat(found(ingress(from(pods(Map.of("app.kubernetes.io/", "x")))))).containsExactly(
        "NP105 spec.ingress[0].from[0].podSelector.matchLabels");
    assertThat(found(ingress(from(pods(Map.of("Example.com/app", "x")))))).containsExactly(
        "NP105 spec.ingress[0].from[0].podSelector.matchLabels");
    assertThat(found(ingress(from(pods(Map.of("app", "x".repeat(64))))))).containsExactly(
        "NP105 spec.ingress[0].from[0].podSelector.matchLabels");
    NetworkPolicy badSubject = NetworkPolicy.of("ns", "p", LabelSelector.ofLabels(Map.of("a/b/c", "x")),
        List.of(), List.of(), List.of());
    assertThat(found(badSubject)).containsExactly("NP105 spec.podSelector.matchLabels");
    // nearest accepted
    assertThat(found(ingress(from(expr("example.com/app", "DoesNotExist"), expr("app", "NotIn", "a-b.c_d"),
        pods(Map.of("app", "x".repeat(63), "k", "")))))).isEmpty();
  }

  @Test
  void np106RulesOfAnUnlistedDirection() {
    NetworkPolicy p = NetworkPolicy.of("ns", "p", LabelSelector.EVERYTHING, List.of("Ingress"), List.of(),
        List.of(from()));
    assertThat(found(p)).containsExactly("NP106 spec.egress");
    NetworkPolicy q = NetworkPolicy.of("ns", "p", LabelSelector.EVERYTHING, List.of("Egress"), List.of(from()),
        List.of());
    assertThat(found(q)).containsExactly("NP106 spec.ingress");
    // defaulted policyTypes include Egress when egress rules exist
    assertThat(found(NetworkPolicy.of("ns", "p", LabelSelector.EVERYTHING, List.of(), List.of(from()),
        List.of(from())))).isEmpty();
  }

  @Test
  void np107DuplicatesAcrossInputs() {
    NetworkPolicy a = withPosition(ingress(), new SourcePosition("a.yaml", 1, 1));
    NetworkPolicy b = withPosition(ingress(), new SourcePosition("b.yaml", 3, 1));
    List<Diagnostic> d = LENIENT.validate(new Cluster(List.of(), List.of(), List.of(), List.of(a, b)));
    assertThat(d).extracting(Diagnostic::ruleId).containsExactly("NP107");
    assertThat(d.get(0).position()).isEqualTo(b.position());
    assertThat(d.get(0).related()).extracting(Diagnostic.Related::position).containsExactly(a.position());
    NetworkPolicy other = NetworkPolicy.of("ns2", "p", LabelSelector.EVERYTHING, List.of(), List.of(), List.of());
    assertThat(LENIENT.validate(new Cluster(List.of(), List.of(), List.of(), List.of(a, other)))).isEmpty();
  }

  @Test
  void np108Ports() {
    assertThat(found(ingress(ports(port("TCP", 0, null))))).containsExactly("NP108 spec.ingress[0].ports[0].port");
    assertThat(found(ingress(ports(port("TCP", 65536, null))))).containsExactly("NP108 spec.ingress[0].ports[0].port");
    assertThat(found(ingress(ports(port("tcp", 80, null))))).containsExactly("NP108 spec.ingress[0].ports[0].protocol");
    assertThat(found(ingress(ports(port("ICMP", null, null))))).containsExactly("NP108 spec.ingress[0].ports[0].protocol");
    for (String bad : List.of("80", "Http", "a--b", "-ab", "ab-", "abcdefghijklmnop", "", "a_b")) {
      assertThat(found(ingress(ports(named(bad, null))))).as(bad).isNotEmpty()
          .allMatch(s -> s.equals("NP108 spec.ingress[0].ports[0].port"));
    }
    assertThat(found(ingress(ports(named("abcdefghijklmno", null), named("a-b1", null), named("x", null),
        port("SCTP", 65535, null), port("UDP", 1, null))))).isEmpty();
  }

  @Test
  void np109ObjectNames() {
    NetworkPolicy badName = NetworkPolicy.of("ns", "Web_Allow", LabelSelector.EVERYTHING, List.of(), List.of(),
        List.of());
    assertThat(found(badName)).containsExactly("NP109 metadata.name");
    NetworkPolicy badNs = NetworkPolicy.of("my.ns", "web", LabelSelector.EVERYTHING, List.of(), List.of(),
        List.of());
    assertThat(found(badNs)).containsExactly("NP109 metadata.namespace");
    assertThat(found(NetworkPolicy.of("my-ns", "web.allow-1", LabelSelector.EVERYTHING, List.of(), List.of(),
        List.of()))).isEmpty();
  }

  @Test
  void np110PolicyTypes() {
    assertThat(found(NetworkPolicy.of("ns", "p", LabelSelector.EVERYTHING, List.of("Ingress", "egress"), List.of(),
        List.of()))).containsExactly("NP110 spec.policyTypes[1]");
    assertThat(found(NetworkPolicy.of("ns", "p", LabelSelector.EVERYTHING,
        List.of("Ingress", "Egress", "Ingress"), List.of(), List.of()))).containsExactly("NP110 spec.policyTypes");
    assertThat(found(NetworkPolicy.of("ns", "p", LabelSelector.EVERYTHING, List.of("Egress", "Ingress"), List.of(),
        List.of()))).isEmpty();
  }

  @Test
  void inventoryNamesLabelsAndPorts() {
    Namespace ns = new Namespace("Bad_NS", Map.of("team", "a b"), new SourcePosition("c.yaml", 2, 1));
    Pod pod = new Pod("ns", "web", Map.of(), List.of(), null, false, null,
        List.of(new ContainerPort("HTTP", 80, Protocol.TCP), new ContainerPort("m", 0, Protocol.TCP)), List.of(),
        new SourcePosition("c.yaml", 9, 1));
    List<Diagnostic> d = LENIENT.validate(new Cluster(List.of(ns), List.of(pod), List.of(), List.of()));
    assertThat(d).extracting(x -> x.ruleId() + " " + x.path() + " " + x.position().line()).containsExactly(
        "NP109 metadata.name 2", "NP105 metadata.labels 2",
        // "HTTP": uppercase characters, and no lowercase letter; then port 0
        "NP108 spec.containers[*].ports 9", "NP108 spec.containers[*].ports 9", "NP108 spec.containers[*].ports 9");
  }

  @Test
  void positionsComeFromTheSourceMapAndFallBackToTheNearestParent() {
    SourcePosition cidrAt = new SourcePosition("f.yaml", 12, 15);
    SourcePosition exceptAt = new SourcePosition("f.yaml", 13, 19);
    SourcePosition labelsAt = new SourcePosition("f.yaml", 20, 7);
    SourceMap source = new SourceMap(Map.of(
        "spec.ingress[0].from[0].ipBlock.cidr", cidrAt,
        "spec.ingress[0].from[0].ipBlock.except", exceptAt,
        "spec.podSelector.matchLabels.bad key", labelsAt), new SourcePosition("f.yaml", 1, 1));
    NetworkPolicy p = new NetworkPolicy("ns", "p", LabelSelector.ofLabels(Map.of("bad key", "v")), List.of(),
        List.of(from(block("10.0.0.0/33", "nope"))), List.of(), source, Set.of());
    assertThat(LENIENT.validate(p)).extracting(d -> d.path() + "@" + d.position()).containsExactlyInAnyOrder(
        "spec.podSelector.matchLabels@f.yaml:20:7",
        "spec.ingress[0].from[0].ipBlock.cidr@f.yaml:12:15",
        "spec.ingress[0].from[0].ipBlock.except[0]@f.yaml:13:19");
  }

  private static NetworkPolicy withPosition(NetworkPolicy p, SourcePosition at) {
    return new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.policyTypes(), p.ingress(), p.egress(),
        new SourceMap(Map.of(), at), p.suppressedRules());
  }
  /** A cluster large enough to be validated on several threads reports what one thread would, in order. */
  @Test
  void aLargeClusterKeepsTheOrderOfItsFindings() {
    List<NetworkPolicy> policies = new java.util.ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      String name = i % 997 == 5 ? "Bad_Name-" + i : "p-" + i;
      policies.add(NetworkPolicy.of("ns-" + (i % 13), name, LabelSelector.ofLabels(Map.of("app", "a" + i)),
          List.of("Ingress"), List.of(), List.of()));
    }
    policies.add(policies.get(17)); // a duplicate, reported by the cross-object check after the rest
    Cluster c = new Cluster(List.of(), List.of(), List.of(), policies);
    List<Diagnostic> expected = new java.util.ArrayList<>();
    for (NetworkPolicy p : policies) {
      expected.addAll(LENIENT.validate(p));
    }
    expected.addAll(DuplicateObjectCheck.check(c));
    List<Diagnostic> all = LENIENT.validate(c);
    assertThat(all).hasSizeGreaterThan(6).isEqualTo(expected);
  }
}
