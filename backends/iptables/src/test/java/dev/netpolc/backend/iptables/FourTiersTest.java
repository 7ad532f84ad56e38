package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The four-tier graph of {@link TieredGraphGen#fourTiers}: one chain per tier present, ending in
 * a code from the tier's position ({@code -01}, {@code -02} after the main chain, then
 * {@code -NP}), Pass rules as gotos to the next tier's chain, the node-local copies of the tiers
 * before NetworkPolicy ({@code -NL}, {@code -Q1}), chain names within 28 characters, decisions
 * as the IR evaluator's.
 */
class FourTiersTest {
  private static final IpAddress WEB = IpAddress.parse("198.18.0.10");

  @Test
  void everyTierPresentHasItsChainAndPassesGoToTheNext() {
    Artifact a = Fixtures.emit(TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS), BackendOptions.DEFAULTS);
    String rules = a.files().get(IptablesBackend.IPTABLES_FILE);
    Matcher m = Pattern.compile("-A (NETPOLC-I-[0-9A-F]+) .*\"sec/pass-a ingress\\[0\\]\"").matcher(rules);
    assertThat(m.find()).isTrue();
    String in = m.group(1);
    String out = in.replace("-I-", "-E-");
    Map<String, List<String>> chains = chains(rules);
    assertThat(chains.keySet().stream().filter(n -> n.startsWith(in) || n.startsWith(out)).toList())
        .containsExactly(in, in + "-01", in + "-02", in + "-NP", out, out + "-01", out + "-NP", out + "-NL", out + "-Q1");
    assertThat(chains.keySet()).allMatch(n -> n.length() <= 28);

    assertThat(chains.get(in)).anyMatch(l -> l.contains("\"sec/pass-a ingress[0]\" -g " + in + "-01"))
        .anyMatch(l -> l.contains("\"sec/deny-outside ingress[0]\" -j DROP"))
        .last().isEqualTo("-A " + in + " -m comment --comment \"next tier\" -g " + in + "-01");
    assertThat(chains.get(in + "-01")).anyMatch(l -> l.contains("\"plat/deny-a ingress[0]\" -j DROP"))
        .last().isEqualTo("-A " + in + "-01 -m comment --comment \"next tier\" -g " + in + "-02");
    // The catch-all Pass: a bare goto, the tier's end action.
    assertThat(chains.get(in + "-02")).anyMatch(l -> l.contains("\"app/allow-b ingress[0]\" -j ACCEPT"))
        .contains("-A " + in + "-02 -m comment --comment \"app/end-of-tier ingress[0]\" -g " + in + "-NP");
    assertThat(chains.get(in + "-NP")).anyMatch(l -> l.contains("\"prod/allow-c ingress[0]\" -j ACCEPT"))
        .last().isEqualTo("-A " + in + "-NP -m comment --comment \"default-deny prod/web-0\" -j DROP");

    assertThat(chains.get(out + "-NL")).anyMatch(l -> l.contains("\"sec/kubelet egress[0]\" -j DROP"))
        .last().isEqualTo("-A " + out + "-NL -m comment --comment \"next tier\" -g " + out + "-Q1");
    assertThat(chains.get(out + "-Q1")).anyMatch(l -> l.contains("\"plat/ssh egress[0]\" -j RETURN"))
        .anyMatch(l -> l.contains("\"plat/nodes egress[0]\" -j DROP")).noneMatch(l -> l.contains(" -g "));
    assertThat(rules).contains("to its own node: every tier but NetworkPolicy\" -j " + out + "-NL")
        .doesNotContain("platform").doesNotContain("security");
  }

  @Test
  void theFilesDecideLikeTheEvaluatorClusterWideAndPerNode() throws BackendException {
    RuleGraph cluster = TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS);
    for (RuleGraph g : List.of(cluster, TieredGraphGen.restrict(cluster, "n1"), TieredGraphGen.restrict(cluster, "n2"))) {
      for (String budget : List.of("200", "0")) {
        IptArtifactReader r = IptablesBackend.read(Fixtures.emit(g, BackendOptions.DEFAULTS.withLogDrops(true)
            .with("maxIpsets", budget)));
        IptablesSimulator sim = new IptablesSimulator(r.v4(), r.v6(), SimulationContext.of(g).nodeAddresses());
        RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
        for (Connection c : probes()) {
          assertThat(sim.allows(c)).as("%s on %s, budget %s", c, g.node(), budget).isEqualTo(ir.allows(c));
        }
      }
    }
    IptArtifactReader r = IptablesBackend.read(Fixtures.emit(cluster, BackendOptions.DEFAULTS));
    IptablesSimulator sim = new IptablesSimulator(r.v4(), r.v6(), SimulationContext.of(cluster).nodeAddresses());
    assertThat(sim.allows(tcp("198.18.0.20", WEB, 80))).as("security Pass, platform Deny").isFalse();
    assertThat(sim.allows(tcp("198.18.0.21", WEB, 80))).as("security Pass, app Allow").isTrue();
    assertThat(sim.allows(tcp("198.18.0.22", WEB, 80))).as("app Pass, NetworkPolicy Allow").isTrue();
    assertThat(sim.allows(tcp("198.18.0.23", WEB, 80))).as("isolation").isFalse();
    assertThat(sim.allows(Connection.of(WEB, IpAddress.parse("192.0.2.1"), Protocol.TCP, 22))).isTrue();
    assertThat(sim.allows(Connection.of(WEB, IpAddress.parse("192.0.2.2"), Protocol.TCP, 22))).isFalse();
  }

  @Test
  void moreTiersThanChainNamesHoldAreRefused() {
    RuleGraph base = TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS);
    EndpointGroup web = base.groups().stream().filter(g -> g.id().equals("prod/web-0")).findFirst().orElseThrow();
    RuleGraph.Builder b = base.toBuilder();
    for (int i = 0; i < ScriptWriter.MAX_DIALECT_TIERS + 1; i++) {
      b.addRule(new Rule(Direction.INGRESS, Tier.ordered(5_000_000 + i, "t"), 0, web.id(), AddressSet.ALL,
          PortSet.ALL_PROTOCOLS, Action.PASS, List.of()));
    }
    RuleGraph big = b.build();
    assertThatThrownBy(() -> new IptablesBackend().emit(big, BackendOptions.DEFAULTS))
        .isInstanceOf(BackendException.class).hasMessageContaining("tiers");
  }

  private static Connection tcp(String from, IpAddress to, int port) {
    return Connection.of(IpAddress.parse(from), to, Protocol.TCP, port);
  }

  /** Every client, node and an outsider to and from web, on the ports the rules name. */
  static List<Connection> probes() {
    List<IpAddress> others = List.of("198.18.0.20", "198.18.0.21", "198.18.0.22", "198.18.0.23", "203.0.113.7",
        "192.0.2.1", "192.0.2.2", "8.8.8.8").stream().map(IpAddress::parse).toList();
    List<Connection> out = new ArrayList<>();
    for (IpAddress o : others) {
      for (int port : List.of(22, 80, 81, 10250)) {
        out.add(Connection.of(o, WEB, Protocol.TCP, port));
        out.add(Connection.of(WEB, o, Protocol.TCP, port));
      }
      out.add(Connection.of(o, WEB, Protocol.UDP, 53));
      out.add(Connection.of(WEB, o, Protocol.UDP, 53));
    }
    return out;
  }

  /** Chain name → its -A lines, chains in order of declaration. */
  private static Map<String, List<String>> chains(String rules) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String line : rules.lines().toList()) {
      if (line.startsWith(":NETPOLC-")) {
        out.put(line.substring(1, line.indexOf(' ')), new ArrayList<>());
      } else if (line.startsWith("-A ")) {
        String name = line.substring(3, line.indexOf(' ', 3));
        out.computeIfAbsent(name, k -> new ArrayList<>()).add(line);
      }
    }
    return out;
  }
}
