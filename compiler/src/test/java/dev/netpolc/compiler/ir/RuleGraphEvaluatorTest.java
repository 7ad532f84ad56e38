package dev.netpolc.compiler.ir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tier semantics of the IR: first match per tier, PASS, default deny when isolated, node allowance. */
class RuleGraphEvaluatorTest {
  private static final IpAddress POD = IpAddress.parse("198.18.0.1");
  private static final IpAddress PEER = IpAddress.parse("203.0.113.7");
  private static final IpAddress OTHER = IpAddress.parse("203.0.113.8");
  private static final IpAddress NODE = IpAddress.parse("192.0.2.1");
  private static final Origin ORIGIN = new Origin("ns/p", Direction.INGRESS, 0, SourcePosition.UNKNOWN);

  private static Rule rule(Tier tier, int priority, IpAddress peer, Action action) {
    return new Rule(Direction.INGRESS, tier, priority, "ns/a", AddressSet.ofAddresses(List.of(peer)),
        PortSet.ALL_PROTOCOLS, action, List.of(ORIGIN));
  }

  private static RuleGraphEvaluator graph(boolean isolated, Rule... rules) {
    RuleGraph.Builder b = RuleGraph.builder(SemanticsOptions.DEFAULTS)
        .addGroup(EndpointGroup.of(List.of(new Endpoint("ns/a", List.of(POD), Optional.of("n1"))), isolated, false))
        .nodeAddresses("n1", AddressSet.ofAddresses(List.of(NODE)));
    for (Rule r : rules) {
      b.addRule(r);
    }
    return new RuleGraphEvaluator(b.build());
  }

  private static boolean in(RuleGraphEvaluator e, IpAddress from) {
    return e.allows(Connection.of(from, POD, Protocol.TCP, 80));
  }

  @Test
  void networkPolicyTierAllowsMatchesAndDeniesTheRestWhenIsolated() {
    RuleGraphEvaluator e = graph(true, rule(Tier.NETWORK_POLICY, 0, PEER, Action.ALLOW));
    assertThat(in(e, PEER)).isTrue();
    assertThat(in(e, OTHER)).isFalse();
    assertThat(in(graph(false), OTHER)).isTrue();
  }

  @Test
  void adminDenyBeatsNetworkPolicyAllowAndAdminAllowBeatsIsolation() {
    assertThat(in(graph(true, rule(Tier.ADMIN, 5, PEER, Action.DENY), rule(Tier.NETWORK_POLICY, 0, PEER,
        Action.ALLOW)), PEER)).isFalse();
    assertThat(in(graph(true, rule(Tier.ADMIN, 5, OTHER, Action.ALLOW)), OTHER)).isTrue();
  }

  @Test
  void lowerPriorityFirstAndPassHandsOverToNetworkPolicy() {
    // Added out of order: the builder sorts by tier, then priority.
    RuleGraphEvaluator e = graph(true, rule(Tier.ADMIN, 9, PEER, Action.DENY), rule(Tier.ADMIN, 1, PEER, Action.PASS),
        rule(Tier.NETWORK_POLICY, 0, PEER, Action.ALLOW));
    assertThat(in(e, PEER)).isTrue();
  }

  @Test
  void baselineAppliesOnlyToNonIsolatedGroups() {
    assertThat(in(graph(false, rule(Tier.BASELINE, 0, PEER, Action.DENY)), PEER)).isFalse();
    assertThat(in(graph(true, rule(Tier.NETWORK_POLICY, 0, PEER, Action.ALLOW),
        rule(Tier.BASELINE, 0, PEER, Action.DENY)), PEER)).isTrue();
  }

  @Test
  void selfNodeAndSamePodConnectionsAreAllowed() {
    RuleGraphEvaluator e = graph(true);
    assertThat(in(e, NODE)).isTrue();
    assertThat(in(e, POD)).isTrue();
    assertThat(e.allows(new Connection(POD, POD, Protocol.ICMP, 0))).isTrue();
    assertThat(e.allows(new Connection(PEER, PEER, Protocol.ICMP, 0))).isTrue();
    assertThat(in(e, PEER)).isFalse();
  }

  @Test
  void buildDropsRulesThatCannotMatchAndSharesEqualSets() {
    Rule empty = rule(Tier.NETWORK_POLICY, 0, PEER, Action.ALLOW).withPeers(AddressSet.EMPTY);
    Rule a = rule(Tier.NETWORK_POLICY, 0, PEER, Action.ALLOW);
    Rule b = a.withPeers(AddressSet.ofCidrs(List.of(Cidr.host(PEER))));
    RuleGraph g = RuleGraph.builder(SemanticsOptions.DEFAULTS)
        .addGroup(EndpointGroup.of(List.of(new Endpoint("ns/a", List.of(POD), Optional.empty())), true, false))
        .addRule(empty).addRule(a).addRule(b).build();
    assertThat(g.rules()).hasSize(2);
    assertThat(g.rules().get(0).peers()).isSameAs(g.rules().get(1).peers());
    assertThat(g.addressSets()).hasSize(1);
    assertThat(g.addressSetName(b.peers())).isEqualTo("a0");
  }
}
