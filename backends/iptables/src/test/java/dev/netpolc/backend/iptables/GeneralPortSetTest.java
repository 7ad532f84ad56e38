package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.backend.iptables.sim.IptablesSimulator;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Generalised port sets (ICMP type/code ranges, whole protocols without ports, other-protocol
 * complements) in the iptables rules files: the fragments printed, IR == simulator on random
 * tiered graphs that carry them, and a sample through the real iptables-restore --test.
 */
class GeneralPortSetTest {
  private static final int EXAMPLES = 200;

  private static final IpAddress WEB = IpAddress.parse("198.18.0.10");
  private static final IpAddress WEB6 = IpAddress.parse("fd00::10");
  private static final IpAddress CLIENT = IpAddress.parse("198.18.0.20");

  private static List<String> fragments(PortSet ports, boolean v6, Action action) throws BackendException {
    return ScriptWriter.portFragments(ports, v6, action);
  }

  @Test
  void icmpRangesAreU32InIpv4AndIcmp6MatchesInIpv6() throws BackendException {
    PortSet echo = PortSet.of(Map.of(1, List.of(new PortRange(2048, 2303)), 58, List.of(new PortRange(32768, 33023))));
    assertThat(fragments(echo, false, Action.ALLOW)).containsExactly(
        "-p icmp -m u32 --u32 \"0>>22&0x3C@0>>16=0x800:0x8ff\"",
        "-p ipv6-icmp -m u32 --u32 \"0>>22&0x3C@0>>16=0x8000:0x80ff\"");
    // ICMP (1) has no ip6tables form: an Allow omits it, a Deny drops the protocol wholly.
    assertThat(fragments(echo, true, Action.ALLOW)).containsExactly("-p ipv6-icmp -m icmp6 --icmpv6-type 128");
    assertThat(fragments(echo, true, Action.DENY)).containsExactly("-p icmp",
        "-p ipv6-icmp -m icmp6 --icmpv6-type 128");
    // 3/2 to 8/52: partial first type, whole types 4-7, partial last type, one rule each in IPv6
    PortSet span = PortSet.of(Map.of(58, List.of(new PortRange(770, 2100))));
    List<String> six = fragments(span, true, Action.ALLOW);
    assertThat(six).hasSize(254 + 4 + 53).contains("-p ipv6-icmp -m icmp6 --icmpv6-type 3/2",
        "-p ipv6-icmp -m icmp6 --icmpv6-type 4", "-p ipv6-icmp -m icmp6 --icmpv6-type 7",
        "-p ipv6-icmp -m icmp6 --icmpv6-type 8/52").doesNotContain("-p ipv6-icmp -m icmp6 --icmpv6-type 3/1");
    assertThat(fragments(span, false, Action.ALLOW)).containsExactly(
        "-p ipv6-icmp -m u32 --u32 \"0>>22&0x3C@0>>16=0x302:0x834\"");
    // notICMP: one negated type, or type/code
    assertThat(fragments(PortSet.of(Map.of(58, List.of(new PortRange(0, 32767), new PortRange(33024, 65535)))), true,
        Action.ALLOW)).containsExactly("-p ipv6-icmp -m icmp6 ! --icmpv6-type 128");
    assertThat(fragments(PortSet.of(Map.of(58, List.of(new PortRange(0, 259), new PortRange(261, 65535)))), true,
        Action.ALLOW)).containsExactly("-p ipv6-icmp -m icmp6 ! --icmpv6-type 1/4");
  }

  @Test
  void wholeProtocolsAndComplements() throws BackendException {
    assertThat(fragments(PortSet.of(Map.of(47, List.of(new PortRange(0, 0)), 6, List.of(PortRange.of(80)))), false,
        Action.ALLOW)).containsExactly("-p 47", "-p tcp -m multiport --dports 80");
    assertThat(fragments(PortSet.of(Map.of(17, List.of()), true), true, Action.ALLOW)).containsExactly("! -p udp");
    assertThat(fragments(PortSet.of(Map.of(6, List.of(new PortRange(1, 79), new PortRange(81, 65535))), true), false,
        Action.DENY)).containsExactly("! -p tcp", "-p tcp -m multiport --dports 1:79,81:65535");
    PortSet several = PortSet.of(Map.of(1, List.of(new PortRange(2048, 2303)), 253, List.of()), true);
    assertThat(fragments(several, false, Action.PASS)).containsExactly(
        "-m u32 --u32 \"6&0xFF=0x0,0x2:0xfc,0xfe:0xff\"", "-p icmp -m u32 --u32 \"0>>22&0x3C@0>>16=0x800:0x8ff\"");
    assertThatThrownBy(() -> fragments(several, true, Action.PASS)).isInstanceOf(BackendException.class)
        .hasMessageContaining("ip6tables: cannot match every protocol but 2 protocols");
  }

  @Test
  void networkPolicySetsRenderAsEver() throws BackendException {
    PortSet np = PortSet.of(Map.of(6, List.of(PortRange.of(53), new PortRange(80, 82)), 17, List.of(PortRange.ALL)));
    assertThat(fragments(np, true, Action.ALLOW)).isEqualTo(ScriptWriter.portFragments(np))
        .containsExactly("-p tcp -m multiport --dports 53,80:82", "-p udp");
  }

  @Test
  void simulatorDecidesTheSampleLikeTheIr() {
    RuleGraph g = TieredGraphGen.generalSample(SemanticsOptions.DEFAULTS);
    IptablesSimulator sim = simulator(g, BackendOptions.DEFAULTS);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
    IpAddress other = IpAddress.parse("198.18.1.5");
    List<Connection> probes = new ArrayList<>();
    for (IpAddress src : List.of(CLIENT, other, IpAddress.parse("fd00::20"), IpAddress.parse("fd00::99"))) {
      IpAddress dst = src.v6() ? WEB6 : WEB;
      for (int type = 0; type < 20; type++) {
        probes.add(Connection.icmp(src, dst, type, 0));
        probes.add(Connection.icmp(src, dst, type, 3));
        if (128 + type < 133 || 128 + type > 136) {
          // Neighbour discovery (133-136) is accepted before any policy, in the kernel and here.
          probes.add(Connection.icmp(src, dst, 128 + type, 0));
        }
      }
      for (int proto : List.of(47, 253, 4, 41)) {
        probes.add(new Connection(src, dst, proto, 0));
      }
      for (int port : List.of(21, 22, 23, 80)) {
        probes.add(Connection.of(src, dst, Protocol.TCP, port));
        probes.add(Connection.of(src, dst, Protocol.UDP, port));
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
    assertThat(sim.allows(Connection.icmp(other, WEB, 8, 0))).isTrue();
    assertThat(sim.allows(Connection.icmp(IpAddress.parse("fd00::99"), WEB6, 1, 4))).isFalse();
    assertThat(sim.allows(Connection.icmp(IpAddress.parse("fd00::99"), WEB6, 135, 0))).as("neighbour discovery")
        .isTrue();
    assertThat(allowed).isBetween(10, probes.size() - 10);
  }

  /** Coverage of one run, so that a vacuous run fails. */
  private static final class Coverage {
    int artifacts;
    int refused;
    int u32;
    int icmp6;
    int negatedProtocol;
    int icmpAllowed;
    int icmpDenied;
    int otherAllowed;
    int otherDenied;

    @Override
    public String toString() {
      return artifacts + " artifacts (refused " + refused + ", u32 " + u32 + ", icmp6 " + icmp6 + ", ! -p "
          + negatedProtocol + "), ICMP allowed " + icmpAllowed + " denied " + icmpDenied + ", other protocols allowed "
          + otherAllowed + " denied " + otherDenied;
    }
  }

  @Test
  void randomGraphsWithGeneralSetsDecideLikeTheIrEvaluator() {
    Coverage cov = new Coverage();
    qt().withExamples(EXAMPLES).forAll(TieredGraphGen.generalPortCases(), booleans().all()).checkAssert((c, decorated) -> {
      BackendOptions opts = BackendOptions.DEFAULTS.withLogDrops(decorated);
      check(c.clusterWide(), opts, c.probes(), cov);
      for (String node : TieredGraphGen.NODES) {
        check(c.forNode(node), opts, c.probes(), cov);
      }
    });
    System.out.println("general port sets iptables coverage: " + cov);
    assertThat(cov.artifacts - cov.refused).as("%s", cov).isGreaterThan(EXAMPLES);
    assertThat(cov.u32).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.icmp6).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.negatedProtocol).as("%s", cov).isGreaterThan(EXAMPLES / 4);
    assertThat(cov.icmpAllowed).as("%s", cov).isGreaterThan(100);
    assertThat(cov.icmpDenied).as("%s", cov).isGreaterThan(100);
    assertThat(cov.otherAllowed).as("%s", cov).isGreaterThan(50);
    assertThat(cov.otherDenied).as("%s", cov).isGreaterThan(50);
  }

  @Test
  void sampledArtifactsWithGeneralSetsPassTheRealRestoreTest() {
    List<Artifact> artifacts = new ArrayList<>();
    artifacts.add(Fixtures.emit(TieredGraphGen.generalSample(SemanticsOptions.DEFAULTS), BackendOptions.DEFAULTS));
    qt().withExamples(30).forAll(TieredGraphGen.generalPortCases()).checkAssert(c -> {
      int i = artifacts.size();
      RuleGraph g = i % 3 == 0 ? c.clusterWide() : c.forNode(TieredGraphGen.NODES.get(i % 2));
      try {
        artifacts.add(new IptablesBackend().emit(g, BackendOptions.DEFAULTS.withLogDrops(true)));
      } catch (BackendException e) {
        assertThat(e.getMessage()).contains("ip6tables: cannot match every protocol but");
      }
    });
    assertThat(artifacts.stream().filter(a -> a.files().get(IptablesBackend.IPTABLES_FILE).contains("-m u32"))
        .count()).isPositive(); // a random sample: one is enough for the real iptables to check
    try (RealIptables real = RealIptables.require()) {
      for (Artifact a : artifacts) {
        RealIptables.Result r = real.loadSetsAndTestRules(a);
        assertThat(r.ok()).as("restore --test rejected:%n%s%n%s", r.stderr(), String.join("\n", a.files().values()))
            .isTrue();
      }
    }
  }

  /**
   * Deltas between graphs with general sets ({@link TieredGraphGen#mutate} steps): applied to
   * what the previous artifact installed, each leaves the full artifact's sets and chains and
   * decides every probe as the IR evaluator. Graphs iptables refuses (every protocol but several,
   * in IPv6) end the sequence.
   */
  @Test
  void deltasBetweenGraphsWithGeneralSetsReachTheFullArtifact() {
    int[] steps = new int[2];
    qt().withExamples(50).forAll(TieredGraphGen.generalPortCases(), org.quicktheories.generators.SourceDSL.longs().all(),
        org.quicktheories.generators.SourceDSL.integers().between(0, 2)).checkAssert((c, seed, where) -> {
          java.util.Optional<String> node = where == 0 ? java.util.Optional.empty()
              : java.util.Optional.of(TieredGraphGen.NODES.get(where - 1));
          dev.netpolc.compiler.gen.Draw d = dev.netpolc.compiler.gen.Draw.of(new java.util.Random(seed));
          RuleGraph cluster = c.clusterWide();
          BackendOptions opts = BackendOptions.DEFAULTS.withLogDrops(true);
          IptablesBackend ipt = new IptablesBackend();
          try {
            Artifact installed = ipt.emit(view(cluster, node), opts);
            for (int step = 0; step < 4; step++) {
              TieredGraphGen.Change change = d.pick(List.of(TieredGraphGen.Change.values()));
              RuleGraph nextCluster = TieredGraphGen.mutate(cluster, change, d);
              RuleGraph next = view(nextCluster, node);
              Artifact full = ipt.emit(next, opts);
              dev.netpolc.backend.Delta delta = ipt.delta(installed, next, opts);
              steps[IncrementalDeltaPropertyTest.kind(delta) == 1 ? 0 : 1]++;
              String at = "step " + step + " " + change + " " + node + "\ndelta:\n"
                  + String.join("\n", delta.files().values());
              IptArtifactReader applied = IptablesBackend.read(installed, delta);
              assertThat(IncrementalDeltaPropertyTest.state(applied)).as(at)
                  .isEqualTo(IncrementalDeltaPropertyTest.state(IptablesBackend.read(full)));
              IptablesSimulator sim = new IptablesSimulator(applied.v4(), applied.v6(),
                  SimulationContext.of(next).nodeAddresses());
              RuleGraphEvaluator ir = new RuleGraphEvaluator(next);
              for (Connection p : c.probes()) {
                if (sim.allows(p) != ir.allows(p)) {
                  throw new AssertionError(p + " IR " + ir.allows(p) + "\n" + next + at);
                }
              }
              cluster = nextCluster;
              installed = full;
            }
          } catch (BackendException e) {
            assertThat(e.getMessage()).contains("ip6tables: cannot match every protocol but");
          }
        });
    System.out.println("general port sets iptables deltas: diffs " + steps[0] + ", other kinds " + steps[1]);
    assertThat(steps[0]).isGreaterThan(40);
  }

  private static RuleGraph view(RuleGraph cluster, java.util.Optional<String> node) {
    return node.map(n -> TieredGraphGen.restrict(cluster, n)).orElse(cluster);
  }

  private static void check(RuleGraph g, BackendOptions opts, List<Connection> probes, Coverage cov) {
    cov.artifacts++;
    Artifact a;
    try {
      a = new IptablesBackend().emit(g, opts);
    } catch (BackendException e) {
      // The one refusal: every protocol but several, in IPv6.
      assertThat(e.getMessage()).contains("ip6tables: cannot match every protocol but");
      cov.refused++;
      return;
    }
    String rules = a.files().get(IptablesBackend.IPTABLES_FILE) + a.files().get(IptablesBackend.IP6TABLES_FILE);
    cov.u32 += rules.contains("-m u32") ? 1 : 0;
    cov.icmp6 += rules.contains("-m icmp6 --icmpv6-type") || rules.contains("-m icmp6 ! --icmpv6-type") ? 1 : 0;
    cov.negatedProtocol += rules.contains("! -p ") ? 1 : 0;
    IptablesSimulator sim = simulator(a, g);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
    for (Connection c : probes) {
      boolean want = ir.allows(c);
      boolean got = sim.allows(c);
      if (want != got) {
        throw new AssertionError(g.node().map(n -> "node " + n).orElse("cluster-wide") + ": " + c + " IR "
            + (want ? "allows" : "denies") + ", simulated files " + (got ? "allow" : "deny") + "\ngraph:\n" + g
            + "files:\n" + String.join("\n", a.files().values()));
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

  private static IptablesSimulator simulator(RuleGraph g, BackendOptions opts) {
    return simulator(Fixtures.emit(g, opts), g);
  }

  private static IptablesSimulator simulator(Artifact a, RuleGraph g) {
    try {
      IptArtifactReader r = IptablesBackend.read(a);
      return new IptablesSimulator(r.v4(), r.v6(), SimulationContext.of(g).nodeAddresses());
    } catch (BackendException e) {
      throw new AssertionError("emitted files do not load: " + e.getMessage() + "\n" + a.files(), e);
    }
  }
}
