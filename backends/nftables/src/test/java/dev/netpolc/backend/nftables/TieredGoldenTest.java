package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.nftables.sim.Chain;
import dev.netpolc.backend.nftables.sim.LogStatement;
import dev.netpolc.backend.nftables.sim.NftParser;
import dev.netpolc.backend.nftables.sim.Rule;
import dev.netpolc.backend.nftables.sim.Ruleset;
import dev.netpolc.backend.nftables.sim.Statement;
import dev.netpolc.backend.nftables.sim.Table;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.TieredGraphGen;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.RuleGraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ruleset of {@link TieredGraphGen#sample} (Admin, NetworkPolicy and Baseline tiers with
 * Allow, Deny and Pass, a kubelet guard on the node addresses) against golden files in
 * {@code src/test/resources/golden/tiered-*.nft}: cluster-wide, node n1 (its input-hook
 * node-local chain) and node n1 with node traffic policed. Regenerate with
 * {@code -Dtest=TieredGoldenTest -Dnetpolc.updateGolden=true}; a mismatch writes
 * {@code <golden>.actual}. Also: byte-identical output whatever order the graph was built in;
 * Deny drops logged with the policy rule that decides; hostile policy names change no structure.
 */
class TieredGoldenTest {
  private static final Path DIR = Path.of("src", "test", "resources", "golden");
  private static final SemanticsOptions STRICT = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false);

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "tiered-cluster.nft, '', false",
      "tiered-n1.nft, n1, false",
      "tiered-n1-strict.nft, n1, true",
  })
  void sampleMatchesGolden(String golden, String node, boolean strict) throws IOException {
    String text = Fixtures.emit(graph(node, strict ? STRICT : SemanticsOptions.DEFAULTS, "kubelet-guard"),
        BackendOptions.DEFAULTS.withLogDrops(true)).primary();
    Path file = DIR.resolve(golden);
    Path actual = DIR.resolve(golden + ".actual");
    if (Boolean.getBoolean("netpolc.updateGolden")) {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Files.deleteIfExists(actual);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    if (expected.equals(text)) {
      Files.deleteIfExists(actual);
    } else {
      Files.writeString(actual, text, StandardCharsets.UTF_8);
    }
    assertThat(text).as("ruleset differs from %s; see %s (regenerate with -Dnetpolc.updateGolden=true)", file, actual)
        .isEqualTo(expected);
  }

  private static RuleGraph graph(String node, SemanticsOptions options, String policy) {
    RuleGraph g = TieredGraphGen.sample(options, policy);
    return node.isEmpty() ? g : TieredGraphGen.restrict(g, node);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "n1", "n2"})
  void outputDoesNotDependOnTheOrderTheGraphWasBuiltIn(String node) {
    RuleGraph g = graph(node, SemanticsOptions.DEFAULTS, "kubelet-guard");
    // The same groups and rules added in reverse: the builder and the writer restore one order
    // (rules of one tier and priority keep their relative order, as evaluation needs).
    RuleGraph.Builder b = RuleGraph.builder(g.options()).node(g.node());
    g.nodeAddresses().forEach(b::nodeAddresses);
    List<EndpointGroup> groups = new ArrayList<>(g.groups());
    Collections.reverse(groups);
    groups.forEach(b::addGroup);
    for (EndpointGroup grp : groups) {
      for (Direction d : List.of(Direction.EGRESS, Direction.INGRESS)) {
        g.rules(grp.id(), d).forEach(b::addRule);
      }
    }
    RuleGraph reordered = b.build();
    BackendOptions opts = BackendOptions.DEFAULTS.withLogDrops(true).withCounters(true);
    String first = Fixtures.emit(g, opts).primary();
    assertThat(Fixtures.emit(g, opts).primary()).isEqualTo(first);
    assertThat(Fixtures.emit(reordered, opts).primary()).isEqualTo(first);
  }

  @Test
  void denyDropsAreLoggedWithThePolicyRuleThatDecides() throws Exception {
    Table t = NftParser.parse(Fixtures.emit(graph("n1", SemanticsOptions.DEFAULTS, "kubelet-guard"),
        BackendOptions.DEFAULTS.withLogDrops(true)).primary(), "n1.nft").tables().get(0);
    List<String> prefixes = logPrefixes(t);
    assertThat(prefixes).contains("np-drop kubelet-guard ingress[0]: ", "np-drop kubelet-guard egress[1]: ",
        "np-drop default egress[0]: ", "np-drop default egress[1]: ");
    // The kubelet guard is logged in the group's egress chain and again in its node-local chain.
    assertThat(prefixes.stream().filter(p -> p.equals("np-drop kubelet-guard egress[1]: ")).count())
        .isEqualTo(2 * 2); // two node addresses families x (egress chain, _node chain)
  }

  private static final List<String> HOSTILE = List.of("x\"; flush ruleset; \"", "a\nflush ruleset\n#",
      "}\n}\ntable ip x {", "$var @set ;drop \\", "\u00e9t\u00e9 \ud83d\udd25 \u0000\u202e", "p".repeat(300) + "\";");

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void hostilePolicyNamesInOriginsCannotInject(int which) throws Exception {
    String payload = HOSTILE.get(which);
    BackendOptions opts = BackendOptions.DEFAULTS.withLogDrops(true).withCounters(true).withLogPrefix(payload);
    for (String node : List.of("", "n1")) {
      String text = Fixtures.emit(graph(node, SemanticsOptions.DEFAULTS, payload), opts).primary();
      Ruleset parsed = NftParser.parse(text, "hostile.nft");
      Ruleset benign = NftParser.parse(Fixtures.emit(graph(node, SemanticsOptions.DEFAULTS, "plain"),
          BackendOptions.DEFAULTS.withLogDrops(true).withCounters(true).withLogPrefix("plain")).primary(), "b.nft");
      assertThat(parsed.tables()).hasSize(1);
      Table t = parsed.tables().get(0);
      assertThat(HostileNamesTest.shape(t)).isEqualTo(HostileNamesTest.shape(benign.tables().get(0)));
      for (String s : HostileNamesTest.texts(t)) {
        assertThat(s.length()).isLessThanOrEqualTo(NftText.MAX_COMMENT);
        assertThat(s.codePoints().allMatch(NftText::isSafe)).as(s).isTrue();
      }
      for (String p : logPrefixes(t)) {
        assertThat(p.length()).isLessThanOrEqualTo(NftText.MAX_LOG_PREFIX);
      }
      for (String line : text.split("\n")) {
        assertThat(line.strip()).doesNotStartWith("flush").doesNotStartWith("table ip");
        assertThat(line).doesNotContain("\\").doesNotContain("$").doesNotContain("\u0000");
        assertThat(line.chars().filter(c -> c == '"').count() % 2).as(line).isZero();
      }
    }
  }

  private static List<String> logPrefixes(Table t) {
    List<String> out = new ArrayList<>();
    for (Chain c : t.chains()) {
      for (Rule r : c.rules()) {
        for (Statement s : r.statements()) {
          if (s instanceof LogStatement) {
            ((LogStatement) s).prefix().ifPresent(out::add);
          }
        }
      }
    }
    return out;
  }

  @Test
  void theSampleExercisesEveryLayoutPiece() {
    String cluster = Fixtures.emit(graph("", SemanticsOptions.DEFAULTS, "g"), BackendOptions.DEFAULTS).primary();
    String n1 = Fixtures.emit(graph("n1", SemanticsOptions.DEFAULTS, "g"), BackendOptions.DEFAULTS).primary();
    assertThat(cluster).contains("map ep_node4 {", "ip saddr . ip daddr vmap @ep_node4", "_out_node {", "_in_np {",
        "_out_base {");
    assertThat(n1).contains("chain input {", "ip saddr vmap @ep_node4", "ip6 saddr vmap @ep_node6");
    // The node-local dispatch comes before the bypass, which accepts every pod and its own node.
    assertThat(cluster.indexOf("vmap @ep_node4")).isLessThan(cluster.indexOf("daddr @bypass_4"));
  }
}
