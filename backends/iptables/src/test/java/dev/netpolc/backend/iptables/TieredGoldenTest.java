package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
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
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The four files of {@link TieredGraphGen#sample} (Admin, NetworkPolicy and Baseline tiers with
 * Allow, Deny and Pass, a kubelet guard on the node addresses) against golden files in
 * {@code src/test/resources/golden/tiered-*}: cluster-wide (the NETPOLC-L- chain of each node),
 * node n1 (NETPOLC-INPUT), node n1 with node traffic policed. Regenerate with
 * {@code -Dtest=TieredGoldenTest -Dnetpolc.updateGolden=true}; a mismatch writes
 * {@code <file>.actual}. Also: byte-identical files whatever order the graph was built in; Deny
 * drops logged with the policy rule that decides; hostile policy names change no structure.
 */
class TieredGoldenTest {
  private static final Path DIR = Path.of("src", "test", "resources", "golden");
  private static final SemanticsOptions STRICT = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false);

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "tiered-cluster, '', false",
      "tiered-n1, n1, false",
      "tiered-n1-strict, n1, true",
  })
  void sampleMatchesGolden(String golden, String node, boolean strict) throws IOException {
    Artifact a = Fixtures.emit(graph(node, strict ? STRICT : SemanticsOptions.DEFAULTS, "kubelet-guard"),
        BackendOptions.DEFAULTS.withLogDrops(true));
    Path dir = DIR.resolve(golden);
    Files.createDirectories(dir);
    for (Map.Entry<String, String> f : a.files().entrySet()) {
      Path file = dir.resolve(f.getKey());
      Path actual = dir.resolve(f.getKey() + ".actual");
      String text = f.getValue();
      if (Boolean.getBoolean("netpolc.updateGolden")) {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.deleteIfExists(actual);
        continue;
      }
      String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      if (expected.equals(text)) {
        Files.deleteIfExists(actual);
      } else {
        Files.writeString(actual, text, StandardCharsets.UTF_8);
      }
      assertThat(text).as("%s differs; see %s (regenerate with -Dnetpolc.updateGolden=true)", file, actual)
          .isEqualTo(expected);
    }
  }

  private static RuleGraph graph(String node, SemanticsOptions options, String policy) {
    RuleGraph g = TieredGraphGen.sample(options, policy);
    return node.isEmpty() ? g : TieredGraphGen.restrict(g, node);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "n1", "n2"})
  void filesDoNotDependOnTheOrderTheGraphWasBuiltIn(String node) {
    RuleGraph g = graph(node, SemanticsOptions.DEFAULTS, "kubelet-guard");
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
    BackendOptions opts = BackendOptions.DEFAULTS.withLogDrops(true);
    Map<String, String> first = Fixtures.emit(g, opts).files();
    assertThat(Fixtures.emit(g, opts).files()).isEqualTo(first);
    assertThat(Fixtures.emit(b.build(), opts).files()).isEqualTo(first);
  }

  @Test
  void denyDropsAreLoggedWithThePolicyRuleThatDecides() {
    Artifact a = Fixtures.emit(graph("n1", SemanticsOptions.DEFAULTS, "guard"),
        BackendOptions.DEFAULTS.withLogDrops(true));
    String v4 = a.files().get(IptablesBackend.IPTABLES_FILE);
    assertThat(v4).contains("--log-prefix \"np-drop guard ingress[0]: \"", "--log-prefix \"np-drop guard egress[1]: \"",
        "--log-prefix \"np-drop default egress[0]: \"");
    // A long policy name is cut in the middle: the rule's list and index stay within xt_LOG's 29 bytes.
    String text = Fixtures.emit(graph("n1", SemanticsOptions.DEFAULTS, "kubelet-guard"),
        BackendOptions.DEFAULTS.withLogDrops(true)).files().get(IptablesBackend.IPTABLES_FILE);
    assertThat(text).contains("--log-prefix \"np-drop kubele... egress[1]: \"",
        "--log-prefix \"np-drop kubel... ingress[0]: \"");
  }

  private static final List<String> HOSTILE = List.of("x\"; -A FORWARD -j ACCEPT; \"", "a\n-A FORWARD -j ACCEPT\n#",
      "back\\slash\\\"", "$(reboot) `id` ; rm -rf /", "--comment \"x\" -j DROP",
      "\u00e9t\u00e9 \ud83d\udd25 \u0000\u202e", "p".repeat(300) + "\";");

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
  void hostilePolicyNamesInOriginsCannotInject(int which) {
    String payload = HOSTILE.get(which);
    for (String node : List.of("", "n1")) {
      Artifact a = Fixtures.emit(graph(node, SemanticsOptions.DEFAULTS, payload),
          BackendOptions.DEFAULTS.withLogDrops(true).withLogPrefix(payload));
      Artifact b = Fixtures.emit(graph(node, SemanticsOptions.DEFAULTS, "plain"),
          BackendOptions.DEFAULTS.withLogDrops(true).withLogPrefix("plain"));
      assertThat(a.files().keySet()).isEqualTo(b.files().keySet());
      for (String file : a.files().keySet()) {
        List<String> lines = a.files().get(file).lines().toList();
        assertThat(HostileNamesTest.shapes(lines)).as(file)
            .isEqualTo(HostileNamesTest.shapes(b.files().get(file).lines().toList()));
        for (String line : lines) {
          if (!file.equals("apply.sh")) {
            assertThat(line).doesNotContain("\\").doesNotContain("$").doesNotContain("`").doesNotContain("\u0000");
          }
          assertThat(line.chars().filter(c -> c == '"').count() % 2).as(line).isZero();
          Matcher m = HostileNamesTest.QUOTED.matcher(line);
          while (m.find() && !file.equals("apply.sh")) {
            String s = m.group(1);
            assertThat(s.length()).isLessThanOrEqualTo(IptText.MAX_COMMENT);
            assertThat(s.codePoints().allMatch(IptText::isSafe)).as(s).isTrue();
            if (line.substring(0, m.start()).endsWith("--log-prefix ")) {
              assertThat(s.length()).isLessThanOrEqualTo(IptText.MAX_LOG_PREFIX);
            }
          }
        }
      }
    }
  }

  @Test
  void theSampleExercisesEveryLayoutPiece() {
    String cluster = Fixtures.emit(graph("", SemanticsOptions.DEFAULTS, "g"), BackendOptions.DEFAULTS).files()
        .get(IptablesBackend.IPTABLES_FILE);
    Artifact n1 = Fixtures.emit(graph("n1", SemanticsOptions.DEFAULTS, "g"), BackendOptions.DEFAULTS);
    assertThat(cluster).contains(":NETPOLC-L-", "-NL - [0:0]", "-NP - [0:0]", "-BL - [0:0]")
        .doesNotContain(":NETPOLC-INPUT");
    assertThat(n1.files().get(IptablesBackend.IPTABLES_FILE)).contains(":NETPOLC-INPUT", "-A NETPOLC-INPUT -m set")
        .doesNotContain(":NETPOLC-OUTPUT");
    assertThat(n1.files().get(IptablesBackend.IP6TABLES_FILE)).contains("-A NETPOLC-INPUT -m set");
    assertThat(n1.files().get(IptablesBackend.APPLY_FILE)).contains("hook iptables filter INPUT NETPOLC-INPUT")
        .doesNotContain("OUTPUT NETPOLC-OUTPUT");
  }
}
