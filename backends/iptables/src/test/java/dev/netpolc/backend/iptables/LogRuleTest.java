package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.backend.iptables.sim.IptInterpreter;
import dev.netpolc.backend.iptables.sim.IptablesSimulator;
import dev.netpolc.backend.iptables.sim.Verdict;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Action#LOG} rules in iptables and ip6tables: a {@code -j LOG} line (a non-terminating
 * target) with a safe prefix of at most 29 bytes; the simulator reports the same logged rules as
 * {@link RuleGraphEvaluator#trace} on generated graphs with LOG rules.
 */
class LogRuleTest {
  private static final IpAddress POD = IpAddress.parse("198.18.0.10");
  private static final IpAddress POD6 = IpAddress.parse("fd00::10");
  private static final IpAddress CLIENT = IpAddress.parse("203.0.113.7");
  private static final IpAddress CLIENT6 = IpAddress.parse("2001:db8:1::7");

  private static RuleGraph logBeforeAllow(String policy) {
    EndpointGroup web = EndpointGroup.of(List.of(new Endpoint("prod/web-0", List.of(POD, POD6), Optional.of("n1"))),
        true, false);
    PortSet tcp80 = PortSet.of(Protocol.TCP, PortRange.of(80));
    AddressSet client = AddressSet.ofAddresses(List.of(CLIENT, CLIENT6));
    return RuleGraph.builder(SemanticsOptions.DEFAULTS)
        .nodeAddresses("n1", AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.1"))))
        .addGroup(web)
        .addRule(new Rule(Direction.INGRESS, Tier.ordered(100, "security"), 0, web.id(), client, tcp80, Action.LOG,
            List.of(new Origin(policy, Direction.INGRESS, 0, SourcePosition.UNKNOWN))))
        .addRule(new Rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web.id(), client, tcp80, Action.ALLOW,
            List.of(new Origin("prod/allow", Direction.INGRESS, 0, SourcePosition.UNKNOWN))))
        .build();
  }

  @Test
  void aLogRuleIsALogTargetInBothFamilies() {
    Artifact a = Fixtures.emit(logBeforeAllow("sec/audit"), BackendOptions.DEFAULTS);
    for (String file : List.of(IptablesBackend.IPTABLES_FILE, IptablesBackend.IP6TABLES_FILE)) {
      List<String> lines = a.files().get(file).lines().filter(l -> l.contains("np-log")).toList();
      assertThat(lines).as(file).hasSize(1);
      assertThat(lines.get(0)).startsWith("-A ").contains("--comment \"sec/audit ingress[0]\"")
          .endsWith(" -j LOG --log-prefix \"np-log sec/audit ingress[0]: \" --log-level 6");
    }
  }

  @Test
  void theSimulatorLogsAndTheVerdictIsTheAllows() throws BackendException {
    RuleGraph g = logBeforeAllow("sec/audit");
    IptArtifactReader r = IptablesBackend.read(Fixtures.emit(g, BackendOptions.DEFAULTS));
    IptablesSimulator sim = new IptablesSimulator(r.v4(), r.v6(), SimulationContext.of(g).nodeAddresses());
    for (IpAddress[] pair : List.of(new IpAddress[] {CLIENT, POD}, new IpAddress[] {CLIENT6, POD6})) {
      IptInterpreter.Result in = sim.trace(Connection.of(pair[0], pair[1], Protocol.TCP, 80));
      assertThat(in.verdict()).isEqualTo(Verdict.ACCEPT);
      assertThat(in.logs()).containsExactly("np-log sec/audit ingress[0]: ");
      IptInterpreter.Result other = sim.trace(Connection.of(pair[0], pair[1], Protocol.TCP, 81));
      assertThat(other.verdict()).isEqualTo(Verdict.DROP);
      assertThat(other.logs()).isEmpty();
    }
  }

  @Test
  void aLogRuleMatchesIcmpTypesAndOtherProtocolsLikeAnyOtherRule() throws BackendException {
    // A Calico Log rule with `protocol: ICMP, icmp: {type: 8}` (found by the e2e property test:
    // LOG rules once took the port-only rendering and refused ICMP values).
    EndpointGroup web = EndpointGroup.of(List.of(new Endpoint("prod/web-0", List.of(POD, POD6), Optional.of("n1"))),
        true, false);
    PortSet echo = PortSet.of(java.util.Map.of(1, List.of(new PortRange(8 * 256, 8 * 256 + 255)),
        58, List.of(new PortRange(128 * 256, 128 * 256 + 255))));
    RuleGraph g = RuleGraph.builder(SemanticsOptions.DEFAULTS)
        .nodeAddresses("n1", AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.1"))))
        .addGroup(web)
        .addRule(new Rule(Direction.INGRESS, Tier.ordered(100, "security"), 0, web.id(), AddressSet.ALL, echo,
            Action.LOG, List.of(new Origin("sec/ping", Direction.INGRESS, 0, SourcePosition.UNKNOWN))))
        .addRule(new Rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web.id(), AddressSet.ALL, PortSet.ALL_PROTOCOLS,
            Action.ALLOW, List.of(new Origin("prod/allow", Direction.INGRESS, 0, SourcePosition.UNKNOWN))))
        .build();
    IptArtifactReader r = IptablesBackend.read(Fixtures.emit(g, BackendOptions.DEFAULTS));
    IptablesSimulator sim = new IptablesSimulator(r.v4(), r.v6(), SimulationContext.of(g).nodeAddresses());
    RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
    for (Connection c : List.of(Connection.icmp(CLIENT, POD, 8, 0), Connection.icmp(CLIENT, POD, 13, 0),
        Connection.icmp(CLIENT6, POD6, 128, 0), Connection.icmp(CLIENT6, POD6, 1, 4),
        Connection.of(CLIENT, POD, Protocol.TCP, 80))) {
      IptInterpreter.Result got = sim.trace(c);
      RuleGraphEvaluator.Trace want = ir.trace(c);
      assertThat(got.verdict() == Verdict.ACCEPT).as(c.toString()).isEqualTo(want.allowed());
      assertThat(got.logs().isEmpty()).as(c.toString()).isEqualTo(want.logged().isEmpty());
    }
    assertThat(sim.trace(Connection.icmp(CLIENT, POD, 8, 0)).logs()).containsExactly("np-log sec/ping ingress[0]: ");
  }

  @Test
  void thePrefixOfAnyPolicyNameIsOneSafeQuotedStringOfAtMost29Bytes() {
    qt().withExamples(2000).forAll(lists().of(integers().between(0, 0x10FFFF)).ofSizeBetween(0, 120),
        strings().allPossible().ofLengthBetween(0, 40)).checkAssert((cps, user) -> {
          StringBuilder name = new StringBuilder();
          cps.forEach(cp -> {
            if (!Character.isSurrogate((char) (int) cp) || cp > 0xFFFF) {
              name.appendCodePoint(cp);
            }
          });
          Rule r = new Rule(Direction.EGRESS, Tier.ADMIN, 0, "g", AddressSet.ALL, PortSet.ALL_PROTOCOLS, Action.LOG,
              List.of(new Origin(name.toString(), Direction.EGRESS, 3, SourcePosition.UNKNOWN)));
          String target = ScriptWriter.logRuleTarget(r, null, user);
          assertThat(target).matches("LOG --log-prefix \"[A-Za-z0-9 ._/:\\[\\]()=,-]*\" --log-level 6");
          String inner = target.substring(target.indexOf('"') + 1, target.lastIndexOf('"'));
          assertThat(inner.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(IptText.MAX_LOG_PREFIX);
          assertThat(inner).endsWith(": ");
          if (user.isEmpty()) {
            assertThat(inner).startsWith("np-log ").endsWith(" egress[3]: ");
          }
        });
  }

  @Test
  void simulatedLogsAndVerdictsMatchTheIrOnGraphsWithLogRules() {
    int[] cov = new int[2]; // artifacts, probes that logged
    qt().withExamples(100).forAll(TieredGraphGen.logCases()).checkAssert(c -> {
      List<RuleGraph> graphs = new ArrayList<>(List.of(c.clusterWide()));
      TieredGraphGen.NODES.forEach(n -> graphs.add(c.forNode(n)));
      for (RuleGraph g : graphs) {
        // Every fourth with one ipset at most: marks in the mangle table instead of sets.
        BackendOptions opts = BackendOptions.DEFAULTS.withCounters(cov[0] % 2 == 0).withLogDrops(cov[0] % 3 == 0)
            .with("maxIpsets", cov[0] % 4 == 3 ? "1" : "200");
        cov[0]++;
        Artifact a = Fixtures.emit(g, opts);
        IptArtifactReader r;
        try {
          r = IptablesBackend.read(a);
        } catch (BackendException e) {
          throw new AssertionError(e.getMessage() + "\n" + a.files(), e);
        }
        IptablesSimulator sim = new IptablesSimulator(r.v4(), r.v6(), SimulationContext.of(g).nodeAddresses());
        RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
        for (Connection probe : c.probes()) {
          RuleGraphEvaluator.Trace want = ir.trace(probe);
          IptInterpreter.Result got = sim.trace(probe);
          TreeSet<String> wantLogs = new TreeSet<>();
          for (Rule x : want.logged()) {
            String t = ScriptWriter.logRuleTarget(x, g.group(x.subject()).orElseThrow(), opts.logPrefix());
            wantLogs.add(t.substring(t.indexOf('"') + 1, t.lastIndexOf('"')));
          }
          TreeSet<String> gotLogs = new TreeSet<>(got.logs().stream().filter(l -> l.startsWith("np-log ")).toList());
          String where = g.node().map(n -> "node " + n).orElse("cluster-wide") + " " + opts.extra() + ": " + probe
              + "\n" + g + "\n" + String.join("\n", a.files().values());
          assertThat(got.verdict() == Verdict.ACCEPT).as("verdict %s", where).isEqualTo(want.allowed());
          assertThat(gotLogs).as("logs %s", where).isEqualTo(wantLogs);
          cov[1] += wantLogs.isEmpty() ? 0 : 1;
        }
      }
    });
    System.out.println("probes that logged: " + cov[1]);
    assertThat(cov[1]).as("probes that logged").isGreaterThan(300);
  }
}
