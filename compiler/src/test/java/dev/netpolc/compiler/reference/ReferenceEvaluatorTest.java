package dev.netpolc.compiler.reference;

import static dev.netpolc.compiler.reference.Fixtures.allFrom;
import static dev.netpolc.compiler.reference.Fixtures.block;
import static dev.netpolc.compiler.reference.Fixtures.both;
import static dev.netpolc.compiler.reference.Fixtures.egress;
import static dev.netpolc.compiler.reference.Fixtures.icmp;
import static dev.netpolc.compiler.reference.Fixtures.ingress;
import static dev.netpolc.compiler.reference.Fixtures.labels;
import static dev.netpolc.compiler.reference.Fixtures.named;
import static dev.netpolc.compiler.reference.Fixtures.node;
import static dev.netpolc.compiler.reference.Fixtures.ns;
import static dev.netpolc.compiler.reference.Fixtures.pod;
import static dev.netpolc.compiler.reference.Fixtures.rule;
import static dev.netpolc.compiler.reference.Fixtures.sel;
import static dev.netpolc.compiler.reference.Fixtures.tcp;
import static dev.netpolc.compiler.reference.Fixtures.udp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.LabelSelectorRequirement.Operator;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One group of tests per bullet of SEMANTICS.md. */
class ReferenceEvaluatorTest {

  // x/a and x/b in x; y/a and y/b in y; all on node n1 (192.168.0.1) except y/b on n2.
  static final String XA = "10.0.0.1";
  static final String XB = "10.0.0.2";
  static final String YA = "10.0.1.1";
  static final String YB = "10.0.1.2";
  static final String NODE1 = "192.168.0.1";
  static final String NODE2 = "192.168.0.2";
  static final String OUTSIDE = "203.0.113.5";

  static List<Pod> pods() {
    Pod yb = pod("y", "b", labels("pod", "b"), "n2", false, "Running", Fixtures.WEB_PORTS, YB);
    return List.of(pod("x", "a", XA, "fd00::1"), pod("x", "b", XB), pod("y", "a", YA), yb);
  }

  static Cluster cluster(NetworkPolicy... policies) {
    return new Cluster(List.of(ns("x", "ns", "x"), ns("y", "ns", "y", "team", "blue")), pods(),
        List.of(node("n1", NODE1), node("n2", NODE2)), List.of(policies));
  }

  static ReferenceEvaluator ref(NetworkPolicy... policies) {
    return new ReferenceEvaluator(cluster(policies));
  }

  static final NetworkPolicy DENY_INGRESS_X = ingress("x", "deny", LabelSelector.EVERYTHING);

  @Nested
  class WithoutPolicies {
    @Test
    void everythingIsAllowed() {
      ReferenceEvaluator r = ref();
      assertThat(r.allows(tcp(XA, YB, 80))).isTrue();
      assertThat(r.allows(icmp(OUTSIDE, XA))).isTrue();
      assertThat(r.allows(udp(YA, OUTSIDE, 53))).isTrue();
    }
  }

  @Nested
  class SamePod {
    @Test
    void aPodAlwaysReachesItselfEvenWhenIsolatedBothWays() {
      NetworkPolicy denyBoth = NetworkPolicy.of("x", "deny-both", LabelSelector.EVERYTHING,
          List.of("Ingress", "Egress"), List.of(), List.of());
      ReferenceEvaluator r = ref(denyBoth);
      assertThat(r.allows(tcp(XA, XA, 80))).isTrue();
      assertThat(r.explain(tcp(XA, XA, 80)).shortcut()).isEqualTo(Explanation.Shortcut.SAME_POD);
      assertThat(r.allows(tcp(XA, XB, 80))).isFalse();
    }
  }

  @Nested
  class InactivePods {
    @Test
    void terminatedPodsAreNotSubjectsAndTheirAddressIsExternal() {
      Pod done = pod("x", "done", labels("pod", "done"), "n1", false, "Succeeded", List.of(), "10.0.0.9");
      Pod failed = pod("x", "failed", labels("pod", "failed"), "n1", false, "Failed", List.of(), "10.0.0.8");
      List<Pod> all = new ArrayList<>(pods());
      all.add(done);
      all.add(failed);
      NetworkPolicy allowFromDone = ingress("y", "from-done", LabelSelector.EVERYTHING,
          allFrom(both(sel("pod", "done"), LabelSelector.EVERYTHING)));
      Cluster c = new Cluster(cluster().namespaces(), all, List.of(), List.of(DENY_INGRESS_X, allowFromDone));
      ReferenceEvaluator r = new ReferenceEvaluator(c);
      // A finished pod in an isolated namespace is not isolated: its address is just an address.
      assertThat(r.allows(tcp(YA, "10.0.0.9", 80))).isTrue();
      assertThat(r.explain(tcp(YA, "10.0.0.9", 80)).destination().kind()).isEqualTo(Endpoint.Kind.EXTERNAL);
      // And it matches no pod selector.
      assertThat(r.allows(tcp("10.0.0.9", YA, 80))).isFalse();
      assertThat(r.allows(tcp("10.0.0.8", XA, 80))).isFalse();
    }

    @Test
    void anAddressReusedAfterAPodFinishedBelongsToTheRunningPod() {
      Pod old = pod("x", "aaa-old", labels("pod", "old"), "n1", false, "Succeeded", List.of(), XB);
      List<Pod> all = new ArrayList<>(pods());
      all.add(old);
      NetworkPolicy onlyFromB = ingress("y", "only-b", LabelSelector.EVERYTHING,
          allFrom(both(sel("pod", "b"), sel("ns", "x"))));
      ReferenceEvaluator r = new ReferenceEvaluator(
          new Cluster(cluster().namespaces(), all, List.of(), List.of(onlyFromB)));
      assertThat(r.allows(tcp(XB, YA, 80))).isTrue();
    }

    @Test
    void podsWithoutAddressesTakeNoPart() {
      Pod pending = pod("x", "pending", labels("pod", "a"), "n1", false, "Pending", List.of());
      List<Pod> all = new ArrayList<>(pods());
      all.add(pending);
      ReferenceEvaluator r = new ReferenceEvaluator(
          new Cluster(cluster().namespaces(), all, List.of(), List.of(DENY_INGRESS_X)));
      assertThat(r.podsByAddress().values()).doesNotContain(pending);
    }

    @Test
    void aDuplicatedAddressBelongsToThePodWhoseKeySortsFirst() {
      Pod twin = pod("a-first", "twin", labels("pod", "twin"), "n1", false, "Running", List.of(), YA);
      List<Pod> all = new ArrayList<>(pods());
      all.add(twin);
      ReferenceEvaluator r = new ReferenceEvaluator(new Cluster(cluster().namespaces(), all, List.of(), List.of()));
      assertThat(r.explain(tcp(XA, YA, 80)).destination().podKey()).contains("a-first/twin");
    }
  }

  @Nested
  class HostNetworkAndNodes {
    final Pod hostPod = pod("x", "host", labels("pod", "host"), "n2", true, "Running", Fixtures.WEB_PORTS, NODE2);

    Cluster withHostPod(NetworkPolicy... policies) {
      List<Pod> all = new ArrayList<>(pods());
      all.add(hostPod);
      return new Cluster(cluster().namespaces(), all, cluster().nodes(), List.of(policies));
    }

    @Test
    void hostNetworkPodsAreNeverSubjects() {
      ReferenceEvaluator r = new ReferenceEvaluator(withHostPod(DENY_INGRESS_X));
      assertThat(r.allows(tcp(YA, NODE2, 80))).isTrue();
      assertThat(r.explain(tcp(YA, NODE2, 80)).destination().kind()).isEqualTo(Endpoint.Kind.NODE);
    }

    @Test
    void hostNetworkPodsNeverMatchPodSelectorsUnlessTheOptionSaysSo() {
      NetworkPolicy fromHost = ingress("y", "from-host", LabelSelector.EVERYTHING,
          allFrom(both(sel("pod", "host"), LabelSelector.EVERYTHING)));
      Cluster c = withHostPod(fromHost);
      // y/a runs on n1, the host pod on n2: ordinary traffic from another node.
      assertThat(new ReferenceEvaluator(c).allows(tcp(NODE2, YA, 80))).isFalse();
      SemanticsOptions targets = SemanticsOptions.DEFAULTS.withHostNetworkPodsArePolicyTargets(true);
      assertThat(new ReferenceEvaluator(c, targets).allows(tcp(NODE2, YA, 80))).isTrue();
    }

    @Test
    void trafficBetweenAPodAndItsOwnNodeIsAlwaysAllowed() {
      NetworkPolicy denyBoth = NetworkPolicy.of("y", "deny-both", LabelSelector.EVERYTHING,
          List.of("Ingress", "Egress"), List.of(), List.of());
      ReferenceEvaluator r = new ReferenceEvaluator(withHostPod(denyBoth));
      // y/a runs on n1, y/b on n2 (where the hostNetwork pod also runs).
      assertThat(r.allows(tcp(NODE1, YA, 80))).isTrue();
      assertThat(r.explain(tcp(NODE1, YA, 80)).shortcut()).isEqualTo(Explanation.Shortcut.NODE_LOCAL);
      assertThat(r.allows(tcp(YA, NODE1, 10250))).isTrue();
      assertThat(r.allows(tcp(NODE2, YB, 80))).isTrue();
      // Another node's traffic is ordinary traffic.
      assertThat(r.allows(tcp(NODE2, YA, 80))).isFalse();
      assertThat(r.allows(tcp(NODE1, YB, 80))).isFalse();
      assertThat(r.allows(tcp(YA, NODE2, 80))).isFalse();
    }

    @Test
    void nodeLocalTrafficFollowsPolicyWhenTheOptionIsOff() {
      SemanticsOptions off = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false);
      ReferenceEvaluator r = new ReferenceEvaluator(withHostPod(DENY_INGRESS_X), off);
      assertThat(r.allows(tcp(NODE1, XA, 80))).isFalse();
    }

    @Test
    void otherNodesMatchIpBlocksLikeAnyAddress() {
      NetworkPolicy fromNodes = ingress("y", "from-nodes", LabelSelector.EVERYTHING,
          allFrom(block("192.168.0.0/24")));
      ReferenceEvaluator r = new ReferenceEvaluator(withHostPod(fromNodes));
      assertThat(r.allows(tcp(NODE2, YA, 80))).isTrue();
      assertThat(r.allows(tcp(XA, YA, 80))).isFalse();
    }
  }

  @Nested
  class SelectionAndIsolation {
    @Test
    void emptyPodSelectorSelectsEveryPodOfItsNamespaceOnly() {
      ReferenceEvaluator r = ref(DENY_INGRESS_X);
      assertThat(r.allows(tcp(YA, XA, 80))).isFalse();
      assertThat(r.allows(tcp(YA, XB, 80))).isFalse();
      assertThat(r.allows(tcp(XA, YA, 80))).isTrue();
    }

    @Test
    void aPodSelectorSelectsOnlyMatchingPods() {
      ReferenceEvaluator r = ref(ingress("x", "deny-a", sel("pod", "a")));
      assertThat(r.allows(tcp(YA, XA, 80))).isFalse();
      assertThat(r.allows(tcp(YA, XB, 80))).isTrue();
    }

    @Test
    void ingressIsolationLeavesEgressOpenAndViceVersa() {
      ReferenceEvaluator in = ref(DENY_INGRESS_X);
      assertThat(in.allows(tcp(XA, OUTSIDE, 443))).isTrue();
      assertThat(in.allows(tcp(OUTSIDE, XA, 443))).isFalse();
      NetworkPolicy denyEgress = egress("x", "deny-out", LabelSelector.EVERYTHING);
      ReferenceEvaluator out = ref(denyEgress);
      assertThat(out.allows(tcp(XA, OUTSIDE, 443))).isFalse();
      assertThat(out.allows(tcp(OUTSIDE, XA, 443))).isTrue();
      assertThat(out.allows(tcp(XA, XB, 80))).isFalse();
      assertThat(out.allows(tcp(YA, XA, 80))).isTrue();
    }

    @Test
    void bothDirectionsMustAllow() {
      NetworkPolicy egressToYOnly = egress("x", "to-y", LabelSelector.EVERYTHING,
          allFrom(Peer.namespaces(sel("ns", "y"))));
      NetworkPolicy yFromXbOnly = ingress("y", "from-xb", LabelSelector.EVERYTHING,
          allFrom(both(sel("pod", "b"), sel("ns", "x"))));
      ReferenceEvaluator r = ref(egressToYOnly, yFromXbOnly);
      assertThat(r.allows(tcp(XB, YA, 80))).isTrue();
      assertThat(r.allows(tcp(XA, YA, 80))).isFalse(); // egress ok, ingress denied
      assertThat(r.allows(tcp(XB, XA, 80))).isFalse(); // egress denied
    }

    @Test
    void selectorOperatorsFollowTheApi() {
      Pod tiered = pod("x", "t", labels("tier", "web", "env", "prod"), "n1", false, "Running", List.of(), "10.0.0.7");
      Pod bare = pod("x", "u", labels(), "n1", false, "Running", List.of(), "10.0.0.6");
      List<Pod> all = new ArrayList<>(pods());
      all.add(tiered);
      all.add(bare);
      Map<Operator, Set<String>> expectedSources = Map.of(
          Operator.In, Set.of("10.0.0.7"),
          Operator.NotIn, Set.of("10.0.0.6", XA, XB),
          Operator.Exists, Set.of("10.0.0.7"),
          Operator.DoesNotExist, Set.of("10.0.0.6", XA, XB));
      for (Map.Entry<Operator, Set<String>> e : expectedSources.entrySet()) {
        Operator op = e.getKey();
        LabelSelectorRequirement req = op == Operator.In || op == Operator.NotIn
            ? LabelSelectorRequirement.of("tier", op, "web", "db") : LabelSelectorRequirement.of("tier", op);
        NetworkPolicy p = ingress("y", "expr", LabelSelector.EVERYTHING,
            allFrom(both(new LabelSelector(Map.of(), List.of(req)), sel("ns", "x"))));
        ReferenceEvaluator r = new ReferenceEvaluator(new Cluster(cluster().namespaces(), all, List.of(), List.of(p)));
        for (String src : List.of("10.0.0.7", "10.0.0.6", XA, XB)) {
          assertThat(r.allows(tcp(src, YA, 80))).as(op + " from " + src).isEqualTo(e.getValue().contains(src));
        }
      }
    }
  }

  @Nested
  class Rules {
    @Test
    void aRuleWithoutPeersMatchesEveryAddress() {
      ReferenceEvaluator r = ref(ingress("x", "all", LabelSelector.EVERYTHING, allFrom()));
      assertThat(r.allows(tcp(OUTSIDE, XA, 80))).isTrue();
      assertThat(r.allows(tcp(YA, XA, 80))).isTrue();
      assertThat(r.allows(icmp(NODE2, XA))).isTrue();
    }

    @Test
    void anEmptyRuleListAllowsNothing() {
      ReferenceEvaluator r = ref(DENY_INGRESS_X);
      assertThat(r.allows(tcp(XB, XA, 80))).isFalse();
      assertThat(r.allows(icmp(OUTSIDE, XA))).isFalse();
    }

    @Test
    void podSelectorAloneMeansThePolicysNamespace() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom(Peer.pods(sel("pod", "b")))));
      assertThat(r.allows(tcp(XB, XA, 80))).isTrue();
      assertThat(r.allows(tcp(YB, XA, 80))).isFalse();
    }

    @Test
    void emptyPodSelectorAloneMeansEveryPodOfThePolicysNamespace() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom(Peer.pods(LabelSelector.EVERYTHING))));
      assertThat(r.allows(tcp(XB, XA, 80))).isTrue();
      assertThat(r.allows(tcp(YA, XA, 80))).isFalse();
      assertThat(r.allows(tcp(OUTSIDE, XA, 80))).isFalse();
    }

    @Test
    void namespaceSelectorAloneMeansEveryPodInMatchingNamespaces() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom(Peer.namespaces(sel("team", "blue")))));
      assertThat(r.allows(tcp(YA, XA, 80))).isTrue();
      assertThat(r.allows(tcp(YB, XA, 80))).isTrue();
      assertThat(r.allows(tcp(XB, XA, 80))).isFalse();
      ReferenceEvaluator byName = ref(ingress("x", "p", LabelSelector.EVERYTHING,
          allFrom(Peer.namespaces(sel("kubernetes.io/metadata.name", "y")))));
      assertThat(byName.allows(tcp(YA, XA, 80))).isTrue();
    }

    @Test
    void emptyNamespaceSelectorMeansEveryPodButNoOtherAddress() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom(Peer.namespaces(LabelSelector.EVERYTHING))));
      assertThat(r.allows(tcp(YB, XA, 80))).isTrue();
      assertThat(r.allows(tcp(OUTSIDE, XA, 80))).isFalse();
      assertThat(r.allows(tcp(NODE2, XA, 80))).isFalse();
    }

    @Test
    void bothSelectorsInOnePeerAreAnded() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom(both(sel("pod", "a"), sel("ns", "y")))));
      assertThat(r.allows(tcp(YA, XB, 80))).isTrue();
      assertThat(r.allows(tcp(YB, XB, 80))).isFalse();
      assertThat(r.allows(tcp(XA, XB, 80))).isFalse();
    }

    @Test
    void peersAreOred() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING,
          allFrom(both(sel("pod", "a"), sel("ns", "y")), Peer.pods(sel("pod", "b")))));
      assertThat(r.allows(tcp(YA, XA, 80))).isTrue();
      assertThat(r.allows(tcp(XB, XA, 80))).isTrue();
      assertThat(r.allows(tcp(YB, XA, 80))).isFalse();
    }

    @Test
    void ipBlockMatchesTheCidrMinusItsExcepts() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING,
          allFrom(block("203.0.113.0/24", "203.0.113.0/30"))));
      assertThat(r.allows(tcp(OUTSIDE, XA, 80))).isTrue();
      assertThat(r.allows(tcp("203.0.113.2", XA, 80))).isFalse();
      assertThat(r.allows(tcp("198.51.100.1", XA, 80))).isFalse();
    }

    @Test
    void ipBlockMatchesPodAddressesByDefaultAndNotWithTheCiliumOption() {
      NetworkPolicy p = ingress("x", "p", LabelSelector.EVERYTHING, allFrom(block("10.0.1.0/24")));
      assertThat(new ReferenceEvaluator(cluster(p)).allows(tcp(YA, XA, 80))).isTrue();
      SemanticsOptions cilium = SemanticsOptions.DEFAULTS.withIpBlockMatchesPodIps(false);
      assertThat(new ReferenceEvaluator(cluster(p), cilium).allows(tcp(YA, XA, 80))).isFalse();
      NetworkPolicy q = ingress("x", "q", LabelSelector.EVERYTHING, allFrom(block("203.0.113.0/24")));
      assertThat(new ReferenceEvaluator(cluster(q), cilium).allows(tcp(OUTSIDE, XA, 80))).isTrue();
    }

    @Test
    void exceptIsNotADenyAnotherPeerStillAllows() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING,
          allFrom(block("10.0.0.0/8", "10.0.1.0/24"), Peer.namespaces(sel("ns", "y")))));
      assertThat(r.allows(tcp(YA, XA, 80))).isTrue();
      ReferenceEvaluator carved = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom(block("10.0.0.0/8", "10.0.1.0/24"))));
      assertThat(carved.allows(tcp(YA, XA, 80))).isFalse();
      assertThat(carved.allows(tcp(XB, XA, 80))).isTrue();
    }

    @Test
    void anIpv4BlockNeverMatchesIpv6() {
      NetworkPolicy p = ingress("x", "p", LabelSelector.EVERYTHING, allFrom(block("0.0.0.0/0")));
      ReferenceEvaluator r = ref(p);
      assertThat(r.allows(tcp(OUTSIDE, XA, 80))).isTrue();
      assertThat(r.allows(tcp("2001:db8::1", "fd00::1", 80))).isFalse();
      NetworkPolicy v6 = ingress("x", "p6", LabelSelector.EVERYTHING, allFrom(block("::/0")));
      assertThat(ref(v6).allows(tcp("2001:db8::1", "fd00::1", 80))).isTrue();
      assertThat(ref(v6).allows(tcp(OUTSIDE, XA, 80))).isFalse();
      // IPv4-mapped stays IPv6.
      assertThat(r.allows(tcp("::ffff:203.0.113.5", "fd00::1", 80))).isFalse();
    }

    @Test
    void anUnparseableCidrMatchesNothing() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom(block("10.0.0.0/99"))));
      assertThat(r.allows(tcp(XB, XA, 80))).isFalse();
      ReferenceEvaluator badExcept = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom(block("10.0.0.0/8", "nonsense"))));
      assertThat(badExcept.allows(tcp(XB, XA, 80))).isFalse();
    }

    @Test
    void selectorsMatchOnlyPodsInTheSameFamilyOfConnection() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom(Peer.pods(sel("pod", "a")))));
      // fd00::1 is x/a's second address: to itself, allowed; unknown IPv6 source is not a pod.
      assertThat(r.allows(tcp("fd00::1", "fd00::1", 80))).isTrue();
      assertThat(r.allows(tcp("fd00::2", "fd00::1", 80))).isFalse();
    }
  }

  @Nested
  class Ports {
    NetworkPolicy with(PolicyPort... ports) {
      return ingress("x", "p", LabelSelector.EVERYTHING, rule(List.of(), List.of(ports)));
    }

    @Test
    void noPortsMeansEveryProtocolIncludingIcmp() {
      ReferenceEvaluator r = ref(ingress("x", "p", LabelSelector.EVERYTHING, allFrom()));
      assertThat(r.allows(icmp(YA, XA))).isTrue();
      assertThat(r.allows(udp(YA, XA, 9999))).isTrue();
      assertThat(r.allows(new Connection(IpAddress.parse(YA), IpAddress.parse(XA), Protocol.SCTP.number(), 7))).isTrue();
    }

    @Test
    void anEmptyPortEntryIsAllTcpPorts() {
      ReferenceEvaluator r = ref(with(new PolicyPort(Optional.empty(), Optional.empty(), Optional.empty())));
      assertThat(r.allows(tcp(YA, XA, 1))).isTrue();
      assertThat(r.allows(tcp(YA, XA, 65535))).isTrue();
      assertThat(r.allows(udp(YA, XA, 53))).isFalse();
      assertThat(r.allows(icmp(YA, XA))).isFalse();
    }

    @Test
    void aProtocolWithoutPortIsEveryPortOfThatProtocol() {
      ReferenceEvaluator r = ref(with(new PolicyPort(Optional.of("UDP"), Optional.empty(), Optional.empty())));
      assertThat(r.allows(udp(YA, XA, 12345))).isTrue();
      assertThat(r.allows(tcp(YA, XA, 12345))).isFalse();
    }

    @Test
    void aNumberIsThatPortAndTheDefaultProtocolIsTcp() {
      ReferenceEvaluator r = ref(with(new PolicyPort(Optional.empty(), Optional.of(PortValue.of(80)), Optional.empty())));
      assertThat(r.allows(tcp(YA, XA, 80))).isTrue();
      assertThat(r.allows(tcp(YA, XA, 81))).isFalse();
      assertThat(r.allows(udp(YA, XA, 80))).isFalse();
    }

    @Test
    void endPortMakesAnInclusiveRange() {
      ReferenceEvaluator r = ref(with(PolicyPort.of(Protocol.TCP, PortValue.of(8000), 8080)));
      assertThat(r.allows(tcp(YA, XA, 7999))).isFalse();
      assertThat(r.allows(tcp(YA, XA, 8000))).isTrue();
      assertThat(r.allows(tcp(YA, XA, 8080))).isTrue();
      assertThat(r.allows(tcp(YA, XA, 8081))).isFalse();
    }

    @Test
    void sctpIsItsOwnProtocol() {
      ReferenceEvaluator r = ref(with(PolicyPort.of(Protocol.SCTP, PortValue.of(80), null)));
      Connection sctp = new Connection(IpAddress.parse(YA), IpAddress.parse(XA), Protocol.SCTP.number(), 80);
      assertThat(r.allows(sctp)).isTrue();
      assertThat(r.allows(tcp(YA, XA, 80))).isFalse();
    }

    @Test
    void aNamedIngressPortResolvesOnTheSelectedPod() {
      Pod alt = pod("x", "alt", labels("pod", "alt"), "n1", false, "Running",
          List.of(new ContainerPort("http", 8080, Protocol.TCP)), "10.0.0.5");
      Pod none = pod("x", "none", labels("pod", "none"), "n1", false, "Running", List.of(), "10.0.0.4");
      List<Pod> all = new ArrayList<>(pods());
      all.add(alt);
      all.add(none);
      NetworkPolicy p = with(named("http"));
      ReferenceEvaluator r = new ReferenceEvaluator(new Cluster(cluster().namespaces(), all, List.of(), List.of(p)));
      assertThat(r.allows(tcp(YA, XA, 80))).isTrue();
      assertThat(r.allows(tcp(YA, "10.0.0.5", 80))).isFalse();
      assertThat(r.allows(tcp(YA, "10.0.0.5", 8080))).isTrue();
      assertThat(r.allows(tcp(YA, "10.0.0.4", 80))).isFalse();
      // The name resolves with the entry's protocol: dns is UDP, a TCP entry named dns matches nothing.
      NetworkPolicy dnsTcp = with(new PolicyPort(Optional.of("TCP"), Optional.of(PortValue.named("dns")), Optional.empty()));
      assertThat(ref(dnsTcp).allows(tcp(YA, XA, 53))).isFalse();
      NetworkPolicy dnsUdp = with(new PolicyPort(Optional.of("UDP"), Optional.of(PortValue.named("dns")), Optional.empty()));
      assertThat(ref(dnsUdp).allows(udp(YA, XA, 53))).isTrue();
    }

    @Test
    void aNamedEgressPortResolvesOnThePeerWhichMustBeAPod() {
      NetworkPolicy p = NetworkPolicy.of("x", "out", LabelSelector.EVERYTHING, List.of("Egress"), List.of(),
          List.of(rule(List.of(), List.of(named("http")))));
      ReferenceEvaluator r = ref(p);
      assertThat(r.allows(tcp(XA, YA, 80))).isTrue();
      assertThat(r.allows(tcp(XA, YA, 81))).isFalse();
      assertThat(r.allows(tcp(XA, OUTSIDE, 80))).isFalse();
    }
  }

  @Nested
  class PolicyTypes {
    final PolicyRule anyEgress = allFrom();

    @Test
    void absentPolicyTypesWithEgressRulesIsolateBothWays() {
      NetworkPolicy p = NetworkPolicy.of("x", "p", LabelSelector.EVERYTHING, List.of(), List.of(),
          List.of(allFrom(Peer.namespaces(sel("ns", "y")))));
      ReferenceEvaluator r = ref(p);
      assertThat(r.allows(tcp(XA, YA, 80))).isTrue();
      assertThat(r.allows(tcp(XA, OUTSIDE, 80))).isFalse();
      assertThat(r.allows(tcp(YA, XA, 80))).isFalse();
    }

    @Test
    void absentPolicyTypesWithoutEgressRulesIsolateIngressOnly() {
      ReferenceEvaluator r = ref(DENY_INGRESS_X);
      assertThat(r.allows(tcp(XA, OUTSIDE, 80))).isTrue();
    }

    @Test
    void egressRulesUnderPolicyTypesIngressAreIgnored() {
      NetworkPolicy p = NetworkPolicy.of("x", "p", LabelSelector.EVERYTHING, List.of("Ingress"),
          List.of(allFrom()), List.of(allFrom(Peer.namespaces(sel("ns", "y")))));
      ReferenceEvaluator r = ref(p);
      assertThat(r.allows(tcp(XA, OUTSIDE, 80))).isTrue();
      assertThat(r.explain(tcp(XA, OUTSIDE, 80)).egress().isolated()).isFalse();
    }

    @Test
    void egressOnlyLeavesIngressOpen() {
      NetworkPolicy p = NetworkPolicy.of("x", "p", LabelSelector.EVERYTHING, List.of("Egress"),
          List.of(), List.of(anyEgress));
      ReferenceEvaluator r = ref(p);
      assertThat(r.allows(tcp(OUTSIDE, XA, 80))).isTrue();
      assertThat(r.allows(tcp(XA, OUTSIDE, 80))).isTrue();
      assertThat(r.explain(tcp(XA, OUTSIDE, 80)).egress().isolated()).isTrue();
    }
  }

  @Nested
  class Additivity {
    @Test
    void anotherPolicyCannotDenyWhatOneAllows() {
      NetworkPolicy allowAll = ingress("x", "allow-all", LabelSelector.EVERYTHING, allFrom());
      ReferenceEvaluator r = ref(DENY_INGRESS_X, allowAll);
      assertThat(r.allows(tcp(OUTSIDE, XA, 80))).isTrue();
      assertThat(r.explain(tcp(OUTSIDE, XA, 80)).ingress().selecting()).extracting(PolicyRef::key)
          .containsExactly("x/deny", "x/allow-all");
    }
  }

  @Nested
  class Explanations {
    SourceMap sourceMap() {
      return new SourceMap(Map.of(
          "spec.ingress[0]", new SourcePosition("p.yaml", 8, 5),
          "spec.ingress[1]", new SourcePosition("p.yaml", 12, 5)), new SourcePosition("p.yaml", 1, 1));
    }

    NetworkPolicy policy() {
      return new NetworkPolicy("x", "web", sel("pod", "a"), List.of(),
          List.of(rule(List.of(Peer.pods(sel("pod", "zzz"))), List.of()),
              rule(List.of(Peer.pods(sel("pod", "nope")), Peer.namespaces(sel("ns", "y"))), List.of(tcp(80), tcp(81)))),
          List.of(), sourceMap(), Set.of());
    }

    @Test
    void aMatchNamesPolicyRulePeerPortAndPosition() {
      Explanation e = ref(policy()).explain(tcp(YA, XA, 81));
      assertThat(e.allowed()).isTrue();
      RuleMatch m = e.ingress().match().orElseThrow();
      assertThat(m.policy().key()).isEqualTo("x/web");
      assertThat(m.direction()).isEqualTo(PolicyType.Ingress);
      assertThat(m.ruleIndex()).isEqualTo(1);
      assertThat(m.peerIndex()).isEqualTo(1);
      assertThat(m.portIndex()).isEqualTo(1);
      assertThat(m.position()).isEqualTo(new SourcePosition("p.yaml", 12, 5));
      assertThat(e.toText()).contains("ALLOWED", "x/web spec.ingress[1] (from[1], ports[1]) at p.yaml:12:5");
    }

    @Test
    void aDenialSaysWhyEachRuleFailed() {
      Explanation e = ref(policy()).explain(tcp(YA, XA, 443));
      assertThat(e.allowed()).isFalse();
      assertThat(e.ingress().isolated()).isTrue();
      assertThat(e.ingress().selecting()).extracting(PolicyRef::key).containsExactly("x/web");
      PolicyMiss miss = e.ingress().misses().get(0);
      assertThat(miss.rules()).hasSize(2);
      assertThat(miss.rules().get(0).peerFailures()).singleElement().asString()
          .contains("spec.ingress[0].from[0]", "podSelector alone selects pods in x only");
      assertThat(miss.rules().get(0).portFailures()).isEmpty();
      assertThat(miss.rules().get(1).peerFailures()).isEmpty();
      assertThat(miss.rules().get(1).portFailures()).hasSize(2);
      assertThat(miss.rules().get(1).portFailures().get(0)).contains("port 80 does not include 443");
      assertThat(e.toText()).contains("DENIED", "ingress of x/a: isolated by x/web (p.yaml:1:1)",
          "x/web spec.ingress[1] (p.yaml:12:5):", "egress of y/a: not isolated: allowed");
    }

    @Test
    void aPolicyWithoutRulesSaysSo() {
      assertThat(ref(DENY_INGRESS_X).explain(tcp(YA, XA, 80)).toText()).contains("x/deny: no ingress rules");
    }
  }
}
