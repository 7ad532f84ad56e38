package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.nftables.sim.NftSimulator;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generalised port sets (ICMP type/code ranges, whole protocols without ports, other-protocol
 * complements) in the nftables ruleset: the shapes printed, IR == simulator on random tiered
 * graphs that carry them, and the real {@code nft -c} on a sample.
 */
class GeneralPortSetTest {
  private static final int EXAMPLES = 250;

  private static final IpAddress WEB = IpAddress.parse("198.18.0.10");
  private static final IpAddress CLIENT = IpAddress.parse("198.18.0.20");

  private static String ruleset() {
    return Fixtures.emit(TieredGraphGen.generalSample(SemanticsOptions.DEFAULTS), BackendOptions.DEFAULTS).primary();
  }

  @Test
  void icmpRangesAreRawHeaderMatchesGuardedByTheProtocol() {
    String text = ruleset();
    assertThat(text).contains("meta l4proto icmp @th,0,16 2048-2303 accept comment \"admin/icmp ingress[0]\"")
        .contains("meta l4proto ipv6-icmp @th,0,16 32768-33023 accept comment \"admin/icmp ingress[0]\"")
        // every ICMP message: whole protocols, no value match
        .contains("meta l4proto { icmp, ipv6-icmp } drop comment \"admin/icmp ingress[1]\"")
        .doesNotContain("icmp . ");
  }

  @Test
  void wholeProtocolsAndComplementsAreProtocolMatches() {
    String text = ruleset();
    assertThat(text).contains("meta l4proto 253 accept comment \"admin/proto ingress[0]\"")
        .contains("meta l4proto 47 drop comment \"admin/proto ingress[1]\"")
        // notProtocol UDP: every protocol but UDP, one rule per address family of the peers
        .contains("ip saddr @")
        .containsPattern("ip saddr @a_[0-9a-z]+_4 meta l4proto != udp accept comment \"prod/not-udp ingress\\[0\\]\"")
        .containsPattern("ip6 saddr @a_[0-9a-z]+_6 meta l4proto != udp accept comment \"prod/not-udp ingress\\[0\\]\"")
        // notPorts 22: the port-carrying protocols' named set, as for NetworkPolicy ports
        .contains("tcp . 1-21,\n\t\t\ttcp . 23-65535\n");
  }

  @Test
  void complementWithPartlyListedProtocolsSplitsIntoRulesOfOneVerdict() {
    // Every protocol but ICMP other than echo, but 253, but UDP 53: three disjuncts.
    var ports = dev.netpolc.compiler.ir.PortSet.of(java.util.Map.of(
        1, List.of(new dev.netpolc.compiler.ir.PortRange(2048, 2303)),
        253, List.of(),
        17, List.of(new dev.netpolc.compiler.ir.PortRange(1, 52), new dev.netpolc.compiler.ir.PortRange(54, 65535))),
        true);
    RuleGraph g = withIngress(ports);
    String text = Fixtures.emit(g, BackendOptions.DEFAULTS).primary();
    assertThat(text.lines().filter(l -> l.contains("ns/p ingress[0]") && l.contains(" accept ")).map(String::strip).toList())
        .containsExactly(
            "meta l4proto != { icmp, udp, 253 } accept comment \"ns/p ingress[0]\"",
            "meta l4proto . th dport @" + setName(text) + " accept comment \"ns/p ingress[0]\"",
            "meta l4proto icmp @th,0,16 2048-2303 accept comment \"ns/p ingress[0]\"");
    NftSimulator sim = simulator(g);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
    IpAddress out = IpAddress.parse("203.0.113.7");
    List<Connection> probes = List.of(Connection.of(out, WEB, Protocol.UDP, 53), Connection.of(out, WEB, Protocol.UDP, 54),
        Connection.of(out, WEB, Protocol.TCP, 53), Connection.icmp(out, WEB, 8, 0), Connection.icmp(out, WEB, 0, 0),
        new Connection(out, WEB, 253, 0), new Connection(out, WEB, 47, 0));
    List<Boolean> want = new ArrayList<>();
    for (Connection c : probes) {
      assertThat(sim.allows(c)).as("%s", c).isEqualTo(ir.allows(c));
      want.add(ir.allows(c));
    }
    assertThat(want).containsExactly(false, true, true, true, false, false, true);
  }

  @Test
  void simulatorDecidesTheSampleLikeTheIr() {
    RuleGraph g = TieredGraphGen.generalSample(SemanticsOptions.DEFAULTS);
    NftSimulator sim = simulator(g);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
    IpAddress other = IpAddress.parse("198.18.1.5");
    List<Connection> probes = new ArrayList<>();
    for (IpAddress src : List.of(CLIENT, other)) {
      for (int type = 0; type < 20; type++) {
        probes.add(Connection.icmp(src, WEB, type, 0));
        probes.add(Connection.icmp(src, WEB, type, 3));
      }
      for (int proto : List.of(47, 253, 4, 41)) {
        probes.add(new Connection(src, WEB, proto, 0));
      }
      for (int port : List.of(21, 22, 23, 80)) {
        probes.add(Connection.of(src, WEB, Protocol.TCP, port));
        probes.add(Connection.of(src, WEB, Protocol.UDP, port));
      }
    }
    int allowed = 0;
    for (Connection c : probes) {
      boolean want = ir.allows(c);
      assertThat(sim.allows(c)).as("%s", c).isEqualTo(want);
      allowed += want ? 1 : 0;
    }
    assertThat(ir.allows(Connection.icmp(other, WEB, 8, 0))).isTrue();
    assertThat(ir.allows(Connection.icmp(other, WEB, 0, 0))).isFalse();
    assertThat(ir.allows(new Connection(CLIENT, WEB, 4, 0))).isTrue();
    assertThat(ir.allows(new Connection(CLIENT, WEB, 47, 0))).isFalse();
    assertThat(ir.allows(Connection.of(CLIENT, WEB, Protocol.UDP, 80))).isFalse();
    assertThat(ir.allows(Connection.of(other, WEB, Protocol.TCP, 22))).isFalse();
    assertThat(allowed).isBetween(10, probes.size() - 10);
  }

  /** Coverage of one run, so that a vacuous run fails. */
  private static final class Coverage {
    int rulesets;
    int rawIcmp;
    int complements;
    int wholeOther;
    int icmpAllowed;
    int icmpDenied;
    int otherAllowed;
    int otherDenied;

    @Override
    public String toString() {
      return rulesets + " rulesets (raw ICMP " + rawIcmp + ", complements " + complements + ", whole others "
          + wholeOther + "), ICMP allowed " + icmpAllowed + " denied " + icmpDenied + ", other protocols allowed "
          + otherAllowed + " denied " + otherDenied;
    }
  }

  @Test
  void randomGraphsWithGeneralSetsDecideLikeTheIrEvaluator() {
    Coverage cov = new Coverage();
    qt().withExamples(EXAMPLES).forAll(TieredGraphGen.generalPortCases(), booleans().all()).checkAssert((c, decorated) -> {
      BackendOptions opts = BackendOptions.DEFAULTS.withCounters(decorated).withLogDrops(decorated);
      check(c.clusterWide(), opts, c.probes(), cov);
      for (String node : TieredGraphGen.NODES) {
        check(c.forNode(node), opts, c.probes(), cov);
      }
    });
    System.out.println("general port sets nftables coverage: " + cov);
    assertThat(cov.rawIcmp).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.complements).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.wholeOther).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.icmpAllowed).as("%s", cov).isGreaterThan(100);
    assertThat(cov.icmpDenied).as("%s", cov).isGreaterThan(100);
    assertThat(cov.otherAllowed).as("%s", cov).isGreaterThan(50);
    assertThat(cov.otherDenied).as("%s", cov).isGreaterThan(50);
  }

  @Test
  void sampledRulesetsWithGeneralSetsPassTheRealNftCheck() {
    List<String> texts = new ArrayList<>();
    texts.add(ruleset());
    qt().withExamples(20).forAll(TieredGraphGen.generalPortCases()).checkAssert(c -> {
      int i = texts.size();
      RuleGraph g = i % 3 == 0 ? c.clusterWide() : c.forNode(TieredGraphGen.NODES.get(i % 2));
      texts.add(Fixtures.emit(g, BackendOptions.DEFAULTS.withCounters(true).withLogDrops(true)).primary());
    });
    // A random sample: one such ruleset is enough for the real nft to check.
    assertThat(texts.stream().filter(t -> t.contains("@th,0,16")).count()).isPositive();
    try (RealNft nft = RealNft.require()) {
      for (String text : texts) {
        RealNft.Result r = nft.check(text);
        assertThat(r.ok()).as("nft -c rejected:%n%s%n%s", r.stderr(), text).isTrue();
      }
    }
  }

  /**
   * Deltas between graphs with general sets ({@link TieredGraphGen#mutate} steps): applied to
   * the ruleset installed before, each gives the full ruleset's state and decides every probe
   * as the IR evaluator.
   */
  @Test
  void deltasBetweenGraphsWithGeneralSetsReachTheFullRuleset() {
    int[] steps = new int[2];
    qt().withExamples(60).forAll(TieredGraphGen.generalPortCases(), org.quicktheories.generators.SourceDSL.longs().all(),
        org.quicktheories.generators.SourceDSL.integers().between(0, 2)).checkAssert((c, seed, where) -> {
          java.util.Optional<String> node = where == 0 ? java.util.Optional.empty()
              : java.util.Optional.of(TieredGraphGen.NODES.get(where - 1));
          dev.netpolc.compiler.gen.Draw d = dev.netpolc.compiler.gen.Draw.of(new java.util.Random(seed));
          RuleGraph cluster = c.clusterWide();
          BackendOptions opts = BackendOptions.DEFAULTS.withLogDrops(true);
          Artifact installed = Fixtures.emit(view(cluster, node), opts);
          for (int step = 0; step < 4; step++) {
            TieredGraphGen.Change change = d.pick(List.of(TieredGraphGen.Change.values()));
            RuleGraph nextCluster = TieredGraphGen.mutate(cluster, change, d);
            RuleGraph next = view(nextCluster, node);
            Artifact full = Fixtures.emit(next, opts);
            String at = "step " + step + " " + change + " " + node + "\nbefore:\n" + installed.primary()
                + "\nafter:\n" + full.primary();
            dev.netpolc.backend.nftables.sim.Ruleset applied;
            try {
              dev.netpolc.backend.Delta delta = new NftablesBackend().delta(installed, next, opts);
              steps[delta.files().get(NftablesBackend.DELTA_FILE).equals(full.primary()) ? 1 : 0]++;
              applied = NftablesBackend.parse(installed, delta);
              assertThat(IncrementalDeltaPropertyTest.state(applied)).as(at)
                  .isEqualTo(IncrementalDeltaPropertyTest.state(NftablesBackend.parse(full)));
            } catch (BackendException e) {
              throw new AssertionError(e.getMessage() + "\n" + at, e);
            }
            NftSimulator sim = new NftSimulator(applied, SimulationContext.of(next).nodeAddresses());
            RuleGraphEvaluator ir = new RuleGraphEvaluator(next);
            for (Connection p : c.probes()) {
              if (sim.allows(p) != ir.allows(p)) {
                throw new AssertionError(p + " IR " + ir.allows(p) + "\n" + next + at);
              }
            }
            cluster = nextCluster;
            installed = full;
          }
        });
    System.out.println("general port sets nftables deltas: diffs " + steps[0] + ", full replacements " + steps[1]);
    assertThat(steps[0]).isGreaterThan(60);
  }

  private static RuleGraph view(RuleGraph cluster, java.util.Optional<String> node) {
    return node.map(n -> TieredGraphGen.restrict(cluster, n)).orElse(cluster);
  }

  private static void check(RuleGraph g, BackendOptions opts, List<Connection> probes, Coverage cov) {
    Artifact a = Fixtures.emit(g, opts);
    String text = a.primary();
    assertThat(new RulesetWriter(g, opts, "filter", 0).write()).isEqualTo(text);
    NftSimulator sim;
    try {
      sim = new NftSimulator(NftablesBackend.parse(a), SimulationContext.of(g).nodeAddresses());
    } catch (BackendException e) {
      throw new AssertionError("emitted ruleset does not parse: " + e.getMessage() + "\n" + text, e);
    }
    RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
    cov.rulesets++;
    cov.rawIcmp += text.contains("@th,0,16") ? 1 : 0;
    cov.complements += text.contains("meta l4proto != ") ? 1 : 0;
    cov.wholeOther += text.contains("meta l4proto 47") || text.contains(", 47 }") ? 1 : 0;
    for (Connection c : probes) {
      boolean want = ir.allows(c);
      boolean got = sim.allows(c);
      if (want != got) {
        throw new AssertionError(g.node().map(n -> "node " + n).orElse("cluster-wide") + ": " + c + " IR "
            + (want ? "allows" : "denies") + ", simulated ruleset " + (got ? "allows" : "denies") + "\ngraph:\n" + g
            + "ruleset:\n" + text);
      }
      if (Connection.isIcmpProtocol(c.protocol()) && c.port() != 0) {
        if (want) {
          cov.icmpAllowed++;
        } else {
          cov.icmpDenied++;
        }
      } else if (c.portProtocol().isEmpty() && !Connection.isIcmpProtocol(c.protocol())) {
        if (want) {
          cov.otherAllowed++;
        } else {
          cov.otherDenied++;
        }
      }
    }
  }

  private static RuleGraph withIngress(dev.netpolc.compiler.ir.PortSet ports) {
    var web = dev.netpolc.compiler.ir.EndpointGroup.of(List.of(new dev.netpolc.compiler.ir.Endpoint("ns/web",
        List.of(WEB), java.util.Optional.of("n1"))), true, false);
    return RuleGraph.builder(SemanticsOptions.DEFAULTS).addGroup(web)
        .addRule(new dev.netpolc.compiler.ir.Rule(dev.netpolc.compiler.ir.Direction.INGRESS,
            dev.netpolc.compiler.ir.Tier.NETWORK_POLICY, 0, web.id(), dev.netpolc.compiler.ir.AddressSet.ALL, ports,
            dev.netpolc.compiler.ir.Action.ALLOW, List.of(new dev.netpolc.compiler.ir.Origin("ns/p",
                dev.netpolc.compiler.ir.Direction.INGRESS, 0, dev.netpolc.model.SourcePosition.UNKNOWN))))
        .build();
  }

  private static String setName(String text) {
    var m = java.util.regex.Pattern.compile("set (p_[0-9a-z]+) \\{").matcher(text);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static NftSimulator simulator(RuleGraph g) {
    try {
      return new NftSimulator(NftablesBackend.parse(Fixtures.emit(g, BackendOptions.DEFAULTS)),
          SimulationContext.of(g).nodeAddresses());
    } catch (BackendException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
