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

  @Test
  void fourTiersWithPassChainsDecideInRankOrder() {
    RuleGraph g = dev.netpolc.compiler.gen.TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS);
    assertThat(g.tiers()).containsExactly(dev.netpolc.compiler.gen.TieredGraphGen.SECURITY,
        dev.netpolc.compiler.gen.TieredGraphGen.PLATFORM, dev.netpolc.compiler.gen.TieredGraphGen.APP, Tier.ADMIN,
        Tier.NETWORK_POLICY, Tier.BASELINE);
    RuleGraphEvaluator e = new RuleGraphEvaluator(g);
    IpAddress web = IpAddress.parse("198.18.0.10");
    java.util.function.BiPredicate<String, Integer> in = (from, port) ->
        e.allows(Connection.of(IpAddress.parse(from), web, Protocol.TCP, port));
    assertThat(in.test("198.18.0.20", 80)).as("a: security Pass, platform Deny").isFalse();
    assertThat(in.test("198.18.0.20", 81)).as("a: security Pass, no platform match, app end Pass, isolated").isFalse();
    assertThat(in.test("198.18.0.21", 80)).as("b: security Pass, app Allow").isTrue();
    assertThat(in.test("198.18.0.22", 80)).as("c: app end Pass, NetworkPolicy Allow").isTrue();
    assertThat(in.test("198.18.0.23", 80)).as("d: isolation").isFalse();
    assertThat(in.test("203.0.113.7", 80)).as("outside: security Deny").isFalse();
    IpAddress ownNode = IpAddress.parse("192.0.2.1");
    IpAddress otherNode = IpAddress.parse("192.0.2.2");
    assertThat(e.allows(Connection.of(web, ownNode, Protocol.TCP, 10250))).as("own node kubelet: security Deny").isFalse();
    assertThat(e.allows(Connection.of(web, ownNode, Protocol.TCP, 22))).as("own node ssh: platform Pass").isTrue();
    assertThat(e.allows(Connection.of(web, ownNode, Protocol.TCP, 80))).as("own node TCP: platform Deny").isFalse();
    assertThat(e.allows(Connection.of(web, ownNode, Protocol.UDP, 53))).as("own node UDP: no tier but NP").isTrue();
    assertThat(e.allows(Connection.of(web, otherNode, Protocol.TCP, 22))).as("n2 ssh: Pass, isolation").isFalse();
    assertThat(e.allows(Connection.of(web, otherNode, Protocol.UDP, 53))).as("n2 UDP: isolation").isFalse();
    assertThat(e.allows(Connection.of(web, IpAddress.parse("198.18.0.21"), Protocol.UDP, 53))).isTrue();
  }

  @Test
  void orderedTiersAreValuesOrderedByRank() {
    Tier t = Tier.ordered(1_500_000, "platform");
    assertThat(t).isEqualTo(Tier.ordered(1_500_000, "platform")).hasSameHashCodeAs(Tier.ordered(1_500_000, "platform"));
    assertThat(t).isNotEqualTo(Tier.ordered(1_500_001, "platform")).isNotEqualTo(Tier.ordered(1_500_000, "other"));
    assertThat(List.of(Tier.BASELINE, t, Tier.ordered(-5, "a"), Tier.ADMIN, Tier.NETWORK_POLICY).stream().sorted())
        .containsExactly(Tier.ordered(-5, "a"), Tier.ADMIN, t, Tier.NETWORK_POLICY, Tier.BASELINE);
    assertThat(t.isStandard()).isFalse();
    assertThat(Tier.standard()).allMatch(Tier::isStandard);
    assertThat(t.toString()).isEqualTo("platform@1500000");
    assertThat(Tier.NETWORK_POLICY.toString()).isEqualTo("NETWORK_POLICY");
    assertThat(Tier.ordered(7, "a".repeat(63)).name()).hasSize(63);
  }

  @Test
  void orderedTierNamesAndRanksAreValidated() {
    for (String bad : List.of("", "Security", "-a", "a-", "a b", "a\"b", "a\nb", "a/b", "a_b", "\u00e9", "a".repeat(64))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Tier.ordered(5, bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tier name");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Tier.ordered(2_000_000, "np"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("network-policy");
  }

  @Test
  void anIsolatedGroupWithoutNetworkPolicyRulesDeniesAfterEarlierTiersOnly() {
    Tier early = Tier.ordered(10, "early");
    Tier late = Tier.ordered(3_000_001, "late");
    RuleGraphEvaluator e = graph(true, rule(early, 0, PEER, Action.PASS), rule(late, 0, PEER, Action.ALLOW),
        rule(late, 0, OTHER, Action.ALLOW));
    assertThat(in(e, PEER)).as("Pass, then NetworkPolicy isolation before the late Allow").isFalse();
    RuleGraphEvaluator open = graph(false, rule(early, 0, PEER, Action.PASS), rule(late, 0, PEER, Action.DENY));
    assertThat(in(open, PEER)).as("not isolated: the late tier decides").isFalse();
    assertThat(in(open, OTHER)).isTrue();
  }

  private static Rule logRule(Tier tier, int priority, IpAddress peer, int index) {
    return new Rule(Direction.INGRESS, tier, priority, "ns/a", AddressSet.ofAddresses(List.of(peer)),
        PortSet.ALL_PROTOCOLS, Action.LOG, List.of(new Origin("ns/log", Direction.INGRESS, index,
        SourcePosition.UNKNOWN)));
  }

  @Test
  void logRulesNeverDecideAndLogOnlyWhenReached() {
    RuleGraphEvaluator e = graph(true, logRule(Tier.ADMIN, 0, PEER, 0), rule(Tier.ADMIN, 1, PEER, Action.PASS),
        logRule(Tier.ADMIN, 2, PEER, 1), logRule(Tier.NETWORK_POLICY, 0, PEER, 2), logRule(Tier.NETWORK_POLICY, 0,
        OTHER, 3), rule(Tier.NETWORK_POLICY, 0, PEER, Action.ALLOW), logRule(Tier.NETWORK_POLICY, 0, PEER, 4),
        logRule(Tier.BASELINE, 0, PEER, 5));
    RuleGraphEvaluator.Trace t = e.trace(Connection.of(PEER, POD, Protocol.TCP, 80));
    // The Admin Pass skips Admin log 1; the NetworkPolicy Allow ends before log 4 and Baseline.
    assertThat(t.allowed()).isTrue();
    assertThat(t.loggedOrigins()).extracting(Origin::ruleIndex).containsExactly(0, 2);
    RuleGraphEvaluator.Trace other = e.trace(Connection.of(OTHER, POD, Protocol.TCP, 80));
    // Only a LOG rule matches in the NetworkPolicy tier: that is no match, so isolation denies.
    assertThat(other.allowed()).isFalse();
    assertThat(other.loggedOrigins()).extracting(Origin::ruleIndex).containsExactly(3);
    assertThat(e.allows(Connection.of(OTHER, POD, Protocol.TCP, 80))).isFalse();
  }
}
