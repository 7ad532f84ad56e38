package dev.netpolc.compiler.reference;

import static dev.netpolc.compiler.reference.Fixtures.block;
import static dev.netpolc.compiler.reference.Fixtures.both;
import static dev.netpolc.compiler.reference.Fixtures.sel;
import static dev.netpolc.compiler.reference.Fixtures.tcp;
import static org.quicktheories.QuickTheory.qt;

import com.google.common.collect.Lists;
import dev.netpolc.compiler.Connection;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Properties of SEMANTICS.md that hold for any policy set: order never matters; policies are additive. */
class ReferenceEvaluatorPropertiesTest {

  static final List<Peer> PEERS = List.of(
      Peer.pods(sel("pod", "a")), Peer.pods(LabelSelector.EVERYTHING), Peer.namespaces(sel("ns", "y")),
      both(sel("pod", "b"), sel("ns", "x")), block("10.0.0.0/16", "10.0.1.0/24"), block("203.0.113.0/24"));
  static final List<PolicyPort> PORTS = List.of(Fixtures.tcp(80), Fixtures.named("http"), Fixtures.tcp(81));
  static final List<String> ADDRESSES = List.of(ReferenceEvaluatorTest.XA, ReferenceEvaluatorTest.XB,
      ReferenceEvaluatorTest.YA, ReferenceEvaluatorTest.YB, ReferenceEvaluatorTest.OUTSIDE,
      ReferenceEvaluatorTest.NODE1, ReferenceEvaluatorTest.NODE2);

  static Gen<PolicyRule> rules() {
    Gen<List<Peer>> peers = SourceDSL.lists().of(SourceDSL.integers().between(0, PEERS.size() - 1).map(PEERS::get))
        .ofSizeBetween(0, 2);
    Gen<List<PolicyPort>> ports = SourceDSL.lists().of(SourceDSL.integers().between(0, PORTS.size() - 1)
        .map(PORTS::get)).ofSizeBetween(0, 2);
    return peers.zip(ports, PolicyRule::new);
  }

  static Gen<NetworkPolicy> policies() {
    Gen<String> ns = SourceDSL.arbitrary().pick("x", "y");
    Gen<LabelSelector> subject = SourceDSL.arbitrary().pick(LabelSelector.EVERYTHING, sel("pod", "a"), sel("pod", "b"));
    Gen<List<String>> types = SourceDSL.arbitrary().pick(List.<List<String>>of(List.of(), List.of("Ingress"),
        List.of("Egress"), List.of("Ingress", "Egress")));
    Gen<List<PolicyRule>> ruleLists = SourceDSL.lists().of(rules()).ofSizeBetween(0, 2);
    Gen<Integer> ids = SourceDSL.integers().between(0, 999);
    return ns.zip(subject, types, ruleLists, (n, s, t, in) -> NetworkPolicy.of(n, "p", s, t, in, List.of()))
        .zip(ruleLists, (p, out) -> NetworkPolicy.of(p.namespace(), p.name(), p.podSelector(), p.policyTypes(),
            p.ingress(), out))
        .zip(ids, (p, id) -> NetworkPolicy.of(p.namespace(), "p" + id, p.podSelector(), p.policyTypes(),
            p.ingress(), p.egress()));
  }

  static List<Connection> connections() {
    List<Connection> out = new ArrayList<>();
    for (String s : ADDRESSES) {
      for (String d : ADDRESSES) {
        for (int port : new int[] {80, 81}) {
          out.add(tcp(s, d, port));
        }
      }
    }
    return out;
  }

  static NetworkPolicy reversedRules(NetworkPolicy p) {
    return NetworkPolicy.of(p.namespace(), p.name(), p.podSelector(), p.policyTypes(), Lists.reverse(p.ingress()),
        Lists.reverse(p.egress()));
  }

  @Test
  void theOrderOfPoliciesAndRulesNeverMatters() {
    qt().withExamples(300).forAll(SourceDSL.lists().of(policies()).ofSizeBetween(1, 4)).checkAssert(ps -> {
      Cluster c = ReferenceEvaluatorTest.cluster(ps.toArray(new NetworkPolicy[0]));
      List<NetworkPolicy> reordered = new ArrayList<>();
      for (NetworkPolicy p : Lists.reverse(ps)) {
        reordered.add(reversedRules(p));
      }
      ReferenceEvaluator a = new ReferenceEvaluator(c);
      ReferenceEvaluator b = new ReferenceEvaluator(c.withPolicies(reordered));
      for (Connection conn : connections()) {
        if (a.allows(conn) != b.allows(conn)) {
          throw new AssertionError("order changed the decision for " + conn);
        }
      }
    });
  }

  @Test
  void addingAPolicyToAlreadyIsolatedPodsNeverDeniesMore() {
    NetworkPolicy isolateAll = NetworkPolicy.of("x", "iso", LabelSelector.EVERYTHING, List.of("Ingress", "Egress"),
        List.of(), List.of());
    NetworkPolicy isolateAllY = NetworkPolicy.of("y", "iso", LabelSelector.EVERYTHING,
        List.of("Ingress", "Egress"), List.of(), List.of());
    qt().withExamples(300).forAll(SourceDSL.lists().of(policies()).ofSizeBetween(0, 3), policies())
        .checkAssert((ps, extra) -> {
          List<NetworkPolicy> base = new ArrayList<>(ps);
          base.add(isolateAll);
          base.add(isolateAllY);
          Cluster c = ReferenceEvaluatorTest.cluster(base.toArray(new NetworkPolicy[0]));
          List<NetworkPolicy> more = new ArrayList<>(base);
          more.add(extra);
          ReferenceEvaluator before = new ReferenceEvaluator(c);
          ReferenceEvaluator after = new ReferenceEvaluator(c.withPolicies(more));
          for (Connection conn : connections()) {
            if (before.allows(conn) && !after.allows(conn)) {
              throw new AssertionError("adding " + extra + " denied " + conn);
            }
          }
        });
  }
}
