package dev.netpolc.compiler.passes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Atoms;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Hand-made graphs for what each rule-level pass must and must not do. */
class PassesTest {
  private static AddressSet ip(String s) {
    return AddressSet.ofAddresses(List.of(IpAddress.parse(s)));
  }

  private static PortSet tcp(int p) {
    return PortSet.of(Protocol.TCP, PortRange.of(p));
  }

  private static Rule rule(Tier tier, AddressSet peers, PortSet ports, Action action, int index) {
    return new Rule(Direction.INGRESS, tier, 0, "ns/a", peers, ports, action,
        List.of(new Origin("ns/p", Direction.INGRESS, index, SourcePosition.UNKNOWN)));
  }

  private static RuleGraph graph(Rule... rules) {
    RuleGraph.Builder b = RuleGraph.builder(SemanticsOptions.DEFAULTS).addGroup(EndpointGroup.of(
        List.of(new Endpoint("ns/a", List.of(IpAddress.parse("198.18.0.1")), Optional.empty())), true, false));
    for (Rule r : rules) {
      b.addRule(r);
    }
    return b.build();
  }

  @Test
  void mergeRulesUnionsPeersOfRulesWithEqualPortsAndKeepsBothOrigins() {
    RuleGraph g = graph(rule(Tier.NETWORK_POLICY, ip("10.0.0.0"), tcp(80), Action.ALLOW, 0),
        rule(Tier.NETWORK_POLICY, ip("10.0.0.1"), tcp(80), Action.ALLOW, 1));
    RuleGraph merged = Passes.MERGE_RULES.apply(g);
    assertThat(merged.rules()).hasSize(1);
    assertThat(merged.rules().get(0).peers().toString()).isEqualTo("10.0.0.0/31");
    assertThat(merged.rules().get(0).origins()).hasSize(2);
  }

  @Test
  void mergeRulesNeverMergesAcrossARuleOfAnotherAction() {
    // allow A; deny A∪B; allow B — merging the allows would let B through before the deny.
    RuleGraph g = graph(rule(Tier.ADMIN, ip("10.0.0.0"), tcp(80), Action.ALLOW, 0),
        rule(Tier.ADMIN, ip("10.0.0.0").union(ip("10.0.0.1")), tcp(80), Action.DENY, 1),
        rule(Tier.ADMIN, ip("10.0.0.1"), tcp(80), Action.ALLOW, 2));
    assertThat(Passes.MERGE_RULES.apply(g)).isEqualTo(g);
  }

  @Test
  void removeShadowedDropsCoveredRulesOfTheSameTierOnly() {
    RuleGraph g = graph(rule(Tier.ADMIN, AddressSet.ALL, PortSet.ALL_PROTOCOLS, Action.PASS, 0),
        rule(Tier.ADMIN, ip("10.0.0.0"), tcp(80), Action.DENY, 1),
        rule(Tier.NETWORK_POLICY, ip("10.0.0.0"), tcp(80), Action.ALLOW, 2));
    RuleGraph out = Passes.REMOVE_SHADOWED.apply(g);
    assertThat(out.rules()).extracting(Rule::action).containsExactly(Action.PASS, Action.ALLOW);
  }

  @Test
  void aLogRuleShadowsNothingButGoesWhenAnEarlierTerminatingRuleCoversIt() {
    RuleGraph g = graph(rule(Tier.ADMIN, AddressSet.ALL, PortSet.ALL_PROTOCOLS, Action.LOG, 0),
        rule(Tier.ADMIN, ip("10.0.0.0"), tcp(80), Action.DENY, 1),
        rule(Tier.ADMIN, ip("10.0.0.0"), tcp(80), Action.LOG, 2),
        rule(Tier.ADMIN, ip("10.0.0.1"), tcp(80), Action.LOG, 3));
    RuleGraph out = Passes.REMOVE_SHADOWED.apply(g);
    assertThat(out.rules()).extracting(r -> r.origins().get(0).ruleIndex()).containsExactly(0, 1, 3);
  }

  @Test
  void mergeRulesLeavesLogRunsAloneAndNeverMergesAcrossALogRule() {
    RuleGraph logs = graph(rule(Tier.ADMIN, ip("10.0.0.0"), tcp(80), Action.LOG, 0),
        rule(Tier.ADMIN, ip("10.0.0.1"), tcp(80), Action.LOG, 1));
    assertThat(Passes.MERGE_RULES.apply(logs)).isEqualTo(logs);
    // allow A; log A∪B; allow B: merging the allows would skip the log for B.
    RuleGraph between = graph(rule(Tier.ADMIN, ip("10.0.0.0"), tcp(80), Action.ALLOW, 0),
        rule(Tier.ADMIN, ip("10.0.0.0").union(ip("10.0.0.1")), tcp(80), Action.LOG, 1),
        rule(Tier.ADMIN, ip("10.0.0.1"), tcp(80), Action.ALLOW, 2));
    assertThat(Passes.MERGE_RULES.apply(between)).isEqualTo(between);
  }

  @Test
  void passManagerRecordsEveryPassInOrder() {
    RuleGraph g = graph(rule(Tier.NETWORK_POLICY, ip("10.0.0.0"), tcp(80), Action.ALLOW, 0));
    PassManager.Result r = PassManager.defaults().disable("hash-cons").run(g);
    assertThat(r.stats()).extracting(PassStats::pass).containsExactly("cidr-cover", "port-merge", "group-endpoints",
        "merge-rules", "remove-shadowed", "atoms");
    assertThat(r.graph().atoms()).isPresent();
  }

  @Test
  void theAtomsPassAttachesThePartitionOfEverySetOfTheGraph() {
    RuleGraph g = graph(rule(Tier.NETWORK_POLICY, ip("10.0.0.0"), tcp(80), Action.ALLOW, 0),
        rule(Tier.NETWORK_POLICY, ip("10.0.0.1"), tcp(443), Action.ALLOW, 1));
    assertThat(g.atoms()).isEmpty();
    RuleGraph withAtoms = Passes.ATOMS.apply(g);
    assertThat(Passes.ATOMS.apply(withAtoms)).isSameAs(withAtoms);
    assertThat(withAtoms).isNotEqualTo(g).isEqualTo(Passes.ATOMS.apply(g));
    Atoms atoms = withAtoms.atoms().orElseThrow();
    List<AddressSet> sets = new java.util.ArrayList<>(withAtoms.addressSets());
    withAtoms.groups().forEach(grp -> sets.add(grp.addresses()));
    assertThat(sets).hasSizeGreaterThan(2);
    for (AddressSet s : sets) {
      AddressSet rebuilt = AddressSet.unionAll(atoms.idsOf(s).stream().map(atoms::atom).toList());
      assertThat(rebuilt.sameAddresses(s)).as("set %s", s).isTrue();
    }
  }
}
