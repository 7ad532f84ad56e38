package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
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
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Action#LOG} rules in the eBPF maps: a verdict whose way passed LOG rules carries their
 * log set ({@link LogSets}, written as {@value LogSets#FILE}); the simulator reports the same
 * logged rules as {@link RuleGraphEvaluator#trace}; graphs without LOG rules emit no log sets.
 */
class LogRuleTest {
  private static final IpAddress POD = IpAddress.parse("198.18.0.10");
  private static final IpAddress CLIENT = IpAddress.parse("203.0.113.7");

  static RuleGraph logBeforeAllow() {
    EndpointGroup web = EndpointGroup.of(List.of(new Endpoint("prod/web-0", List.of(POD), Optional.of("n1"))),
        true, false);
    PortSet tcp80 = PortSet.of(Protocol.TCP, PortRange.of(80));
    AddressSet client = AddressSet.ofAddresses(List.of(CLIENT));
    return RuleGraph.builder(SemanticsOptions.DEFAULTS)
        .nodeAddresses("n1", AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.1"))))
        .addGroup(web)
        .addRule(new Rule(Direction.INGRESS, Tier.ordered(100, "security"), 0, web.id(), client, tcp80, Action.LOG,
            List.of(new Origin("sec/audit", Direction.INGRESS, 0, SourcePosition.UNKNOWN))))
        .addRule(new Rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web.id(), client, tcp80, Action.ALLOW,
            List.of(new Origin("prod/allow", Direction.INGRESS, 0, SourcePosition.UNKNOWN))))
        .build();
  }

  @Test
  void aLogBeforeAnAllowGivesTheAllowALogSet() throws BackendException {
    RuleGraph g = logBeforeAllow();
    Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
    LogSets sets = EbpfBackend.logSets(a);
    int logRule = MapsEmitter.ruleNumbers(g)[0];
    assertThat(sets.sets()).containsExactly(Map.entry(1, com.google.common.collect.ImmutableList.of(logRule)));
    assertThat(a.files().get(LogSets.FILE)).endsWith("\n1 " + Integer.toUnsignedLong(logRule) + "\n");
    assertThat(a.files().get(MapsJson.FILE)).contains("\"logs\": 1");
    EbpfSimulator sim = new EbpfSimulator(EbpfBackend.read(a));
    EbpfSimulator.Trace in = sim.trace(Connection.of(CLIENT, POD, Protocol.TCP, 80));
    assertThat(in.allowed()).isTrue();
    assertThat(in.logSets()).containsExactly(1);
    EbpfSimulator.Trace other = sim.trace(Connection.of(CLIENT, POD, Protocol.TCP, 81));
    assertThat(other.allowed()).isFalse();
    assertThat(other.logSets()).isEmpty();
  }

  @Test
  void aPolicyValueRoundTripsItsLogSetAndRefusesLogAsVerdict() {
    PolicyValue v = new PolicyValue(Action.DENY, 4, 7, 99, 0x1234);
    byte[] b = v.encode();
    assertThat(b[2]).isEqualTo((byte) 0x34);
    assertThat(b[3]).isEqualTo((byte) 0x12);
    assertThat(PolicyValue.decode(b)).isEqualTo(v);
    assertThatThrownBy(() -> new PolicyValue(Action.LOG, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    byte[] log = new PolicyValue(Action.ALLOW, 0, 0, 0).encode();
    log[0] = 4;
    assertThatThrownBy(() -> PolicyValue.decode(log)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void logSetsFileRoundTripsAndRejectsGarbage() throws BackendException {
    LogSets s = new LogSets();
    assertThat(s.idOf(List.of(5, -1))).isEqualTo(1);
    assertThat(s.idOf(List.of(7))).isEqualTo(2);
    assertThat(s.idOf(List.of(5, -1))).isEqualTo(1);
    assertThat(LogSets.read(s.write())).isEqualTo(s);
    assertThat(s.write()).contains("\n1 5 4294967295\n");
    assertThatThrownBy(() -> LogSets.read("2 5\n")).isInstanceOf(BackendException.class)
        .hasMessageContaining("logsets.txt:1:1");
    assertThatThrownBy(() -> LogSets.read("1 x\n")).isInstanceOf(BackendException.class);
  }

  @Test
  void simulatedLogsAndVerdictsMatchTheIrOnGraphsWithLogRules() {
    int[] cov = new int[3]; // graphs, probes that logged, graphs without log sets although with LOG rules
    qt().withExamples(150).forAll(dev.netpolc.compiler.gen.TieredGraphGen.logCases()).checkAssert(c -> {
      List<RuleGraph> graphs = new ArrayList<>(List.of(c.clusterWide()));
      dev.netpolc.compiler.gen.TieredGraphGen.NODES.forEach(n -> graphs.add(c.forNode(n)));
      for (RuleGraph g : graphs) {
        cov[0]++;
        Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
        EbpfSimulator sim;
        LogSets sets;
        try {
          sim = new EbpfSimulator(EbpfBackend.read(a));
          sets = EbpfBackend.logSets(a);
        } catch (BackendException e) {
          throw new AssertionError(e.getMessage(), e);
        }
        int[] numbers = MapsEmitter.ruleNumbers(g);
        Map<Rule, Integer> index = new IdentityHashMap<>();
        List<Rule> all = g.rules();
        for (int i = 0; i < all.size(); i++) {
          index.put(all.get(i), i);
        }
        RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
        for (Connection p : c.probes()) {
          RuleGraphEvaluator.Trace want = ir.trace(p);
          EbpfSimulator.Trace got = sim.trace(p);
          TreeSet<Integer> wantRules = new TreeSet<>();
          want.logged().forEach(r -> wantRules.add(numbers[index.get(r)]));
          TreeSet<Integer> gotRules = new TreeSet<>();
          got.logSets().forEach(id -> gotRules.addAll(sets.sets().get(id)));
          String where = g.node().map(n -> "node " + n).orElse("cluster-wide") + ": " + p + "\n" + g + "\n"
              + a.files().get(MapsJson.FILE);
          assertThat(got.allowed()).as("verdict %s", where).isEqualTo(want.allowed());
          assertThat(gotRules).as("logged rules %s", where).isEqualTo(wantRules);
          cov[1] += wantRules.isEmpty() ? 0 : 1;
        }
        if (g.rules().stream().noneMatch(r -> r.action() == Action.LOG)) {
          assertThat(a.files()).doesNotContainKey(LogSets.FILE);
        }
      }
    });
    System.out.println("probes that logged: " + cov[1]);
    assertThat(cov[1]).as("probes that logged").isGreaterThan(300);
  }
}
