package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.nftables.sim.NftSimulator;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The four-tier graph of {@link TieredGraphGen#fourTiers}: one chain per tier present, named by
 * the tier's position (the first tier in the group's main chain, then {@code _t1}, {@code _t2},
 * {@code _np}), Pass rules as gotos to the next tier's chain, the node-local copies of the tiers
 * before NetworkPolicy, and decisions as the IR evaluator's.
 */
class FourTiersTest {
  private static final IpAddress WEB = IpAddress.parse("198.18.0.10");

  @Test
  void everyTierPresentHasItsChainAndPassesGoToTheNext() {
    RuleGraph g = TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS);
    String text = Fixtures.emit(g, BackendOptions.DEFAULTS).primary();
    Map<String, String> chains = chains(text);
    String in = chainOf(text, "ingress of group prod/web-0");
    String out = chainOf(text, "egress of group prod/web-0");
    List<String> web = chains.keySet().stream().filter(n -> n.startsWith(in.replace("_in", ""))).toList();
    assertThat(web).containsExactly(in, in + "_t1", in + "_t2", in + "_np", out, out + "_t1", out + "_np",
        out + "_node", out + "_t1_node");

    assertThat(chains.get(in)).contains("ct state invalid drop")
        .contains("goto " + in + "_t1 comment \"sec/pass-a ingress[0]\"")
        .contains("goto " + in + "_t1 comment \"sec/pass-b ingress[0]\"")
        .contains("drop comment \"sec/deny-outside ingress[0]\"")
        .endsWith("goto " + in + "_t1 comment \"next tier\"\n");
    assertThat(chains.get(in + "_t1")).contains("comment \"ingress of group prod/web-0, tier platform (rank 200)\"")
        .contains("drop comment \"plat/deny-a ingress[0]\"").endsWith("goto " + in + "_t2 comment \"next tier\"\n");
    // The catch-all Pass is a bare goto: the tier's end action.
    assertThat(chains.get(in + "_t2")).contains("accept comment \"app/allow-b ingress[0]\"")
        .contains("\t\tgoto " + in + "_np comment \"app/end-of-tier ingress[0]\"\n");
    assertThat(chains.get(in + "_np")).contains("accept comment \"prod/allow-c ingress[0]\"")
        .contains("drop comment \"default-deny prod/web-0\"").doesNotContain("goto");

    // To its own node: security again, then platform again, whose Pass returns (no tier after NetworkPolicy).
    assertThat(chains.get(out + "_node")).contains("drop comment \"sec/kubelet egress[0]\"")
        .endsWith("goto " + out + "_t1_node comment \"next tier\"\n");
    assertThat(chains.get(out + "_t1_node")).contains("return comment \"plat/ssh egress[0]\"")
        .contains("drop comment \"plat/nodes egress[0]\"").doesNotContain("goto");
  }

  @Test
  void theRulesetDecidesLikeTheEvaluatorClusterWideAndPerNode() throws BackendException {
    RuleGraph cluster = TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS);
    for (RuleGraph g : List.of(cluster, TieredGraphGen.restrict(cluster, "n1"), TieredGraphGen.restrict(cluster, "n2"))) {
      Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS.withLogDrops(true));
      NftSimulator sim = new NftSimulator(NftablesBackend.parse(a), SimulationContext.of(g).nodeAddresses());
      RuleGraphEvaluator ir = new RuleGraphEvaluator(g);
      for (Connection c : probes()) {
        assertThat(sim.allows(c)).as("%s on %s", c, g.node()).isEqualTo(ir.allows(c));
      }
    }
    NftSimulator sim = new NftSimulator(NftablesBackend.parse(Fixtures.emit(cluster, BackendOptions.DEFAULTS)),
        SimulationContext.of(cluster).nodeAddresses());
    assertThat(sim.allows(tcp("198.18.0.20", WEB, 80))).as("security Pass, platform Deny").isFalse();
    assertThat(sim.allows(tcp("198.18.0.21", WEB, 80))).as("security Pass, app Allow").isTrue();
    assertThat(sim.allows(tcp("198.18.0.22", WEB, 80))).as("app Pass, NetworkPolicy Allow").isTrue();
    assertThat(sim.allows(tcp("198.18.0.23", WEB, 80))).as("isolation").isFalse();
    assertThat(sim.allows(tcp(WEB.toString(), IpAddress.parse("192.0.2.1"), 22))).as("own node ssh").isTrue();
    assertThat(sim.allows(tcp(WEB.toString(), IpAddress.parse("192.0.2.2"), 22))).as("other node ssh").isFalse();
  }

  @Test
  void nothingOfTheDialectTierNamesButTheirCommentsReachTheText() {
    String text = Fixtures.emit(TieredGraphGen.fourTiers(SemanticsOptions.DEFAULTS), BackendOptions.DEFAULTS)
        .primary();
    for (String line : text.lines().toList()) {
      if (line.contains("platform") || line.contains("security") || line.contains(" app ")) {
        assertThat(line).as("a line naming a tier").containsPattern("comment \"[^\"]*\"");
        assertThat(line.substring(0, line.indexOf("comment"))).doesNotContain("platform", "security");
      }
    }
  }

  private static Connection tcp(String from, IpAddress to, int port) {
    return Connection.of(IpAddress.parse(from), to, Protocol.TCP, port);
  }

  /** Every client, node and an outsider to and from web, on the ports the rules name. */
  static List<Connection> probes() {
    List<IpAddress> others = List.of("198.18.0.20", "198.18.0.21", "198.18.0.22", "198.18.0.23", "203.0.113.7",
        "192.0.2.1", "192.0.2.2", "8.8.8.8").stream().map(IpAddress::parse).toList();
    List<Connection> out = new java.util.ArrayList<>();
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

  /** The chain whose comment is {@code comment}. */
  private static String chainOf(String text, String comment) {
    Matcher m = Pattern.compile("chain (\\S+) \\{\n\t\tcomment \"" + Pattern.quote(comment) + "\"\n").matcher(text);
    assertThat(m.find()).as("a chain commented %s", comment).isTrue();
    return m.group(1);
  }

  /** Chain name → its lines after the opening brace, in text order. */
  private static Map<String, String> chains(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    Optional<String> current = Optional.empty();
    StringBuilder body = new StringBuilder();
    for (String line : text.lines().toList()) {
      if (line.startsWith("\tchain ") && line.endsWith(" {")) {
        current = Optional.of(line.substring("\tchain ".length(), line.length() - 2));
        body.setLength(0);
      } else if (line.equals("\t}") && current.isPresent()) {
        out.put(current.get(), body.toString());
        current = Optional.empty();
      } else if (current.isPresent()) {
        body.append(line).append('\n');
      }
    }
    return out;
  }
}
