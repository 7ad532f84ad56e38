package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netpolc.cli.format.matrix.GroupBy;
import dev.netpolc.cli.format.matrix.HtmlMatrixFormatter;
import dev.netpolc.cli.format.matrix.MatrixReportContext;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.TieredClusterGen;
import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.matrix.TierAttribution;
import dev.netpolc.compiler.reference.DirectionVerdict;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.compiler.reference.TierRuleMatch;
import dev.netpolc.compiler.reference.TierStep;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.RuleAction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The tier layer of {@code netpolc matrix --format html}: the per-cell decisions in the embedded
 * JSON (golden over examples/tiers, agreement with the reference evaluator on generated tiered
 * clusters, hostile names), and that NetworkPolicy-only reports do not get it.
 */
class MatrixHtmlTiersTest {
  static final Path GOLDEN = MatrixHtmlGoldenTest.DIR.resolve("tiers-data.json");

  static Path tiersExample() {
    String root = System.getenv("NETPOLC_TEST_ROOT");
    return (root != null ? Path.of(root) : Path.of("..")).resolve("examples").resolve("tiers");
  }

  @Test
  void tieredDataMatchesGolden() throws IOException {
    String html = MatrixHtmlGoldenTest.run("matrix", "--format", "html", tiersExample().toString());
    String data = MatrixHtmlReportTest.dataBlock(html) + "\n";
    Path actual = Path.of(GOLDEN + ".actual");
    if (Boolean.getBoolean("netpolc.updateGolden")) {
      Files.writeString(GOLDEN, data, StandardCharsets.UTF_8);
      Files.deleteIfExists(actual);
      return;
    }
    String expected = Files.exists(GOLDEN) ? Files.readString(GOLDEN, StandardCharsets.UTF_8) : "";
    if (!expected.equals(data)) {
      Files.writeString(actual, data, StandardCharsets.UTF_8);
    } else {
      Files.deleteIfExists(actual);
    }
    assertThat(data).as("data differs from %s; see %s (regenerate with -Dnetpolc.updateGolden=true)", GOLDEN, actual)
        .isEqualTo(expected);
  }

  @Test
  void tieredReportHasTheTierLayerAndIsDeterministic() {
    String dir = tiersExample().toString();
    String html = MatrixHtmlGoldenTest.run("matrix", "--format", "html", dir);
    assertThat(MatrixHtmlGoldenTest.run("matrix", "--format", "html", dir)).isEqualTo(html);
    assertThat(html).contains("<dt>Policies</dt>", "tier-filter", ".tier-strip", "\"tiers\": {\"strings\": [");
    // The matrices themselves are those of --format json, as for NetworkPolicy input.
    JsonNode json = MatrixHtmlReportTest.readTree(MatrixHtmlGoldenTest.run("matrix", "--format", "json", dir));
    List<Map<String, List<String>>> embedded = MatrixHtmlReportTest.readBack(html);
    assertThat(embedded).hasSize(json.size());
    // A Pass chain, an Admin Accept, a Baseline Deny and a NetworkPolicy denial all occur in the example.
    JsonNode tiers = MatrixHtmlReportTest.readTree(MatrixHtmlReportTest.dataBlock(html)).get("tiers");
    List<String> verdicts = new ArrayList<>();
    tiers.get("verdicts").forEach(v -> verdicts.add(v.toString()));
    assertThat(verdicts).anyMatch(v -> v.contains("\"passes\"")).anyMatch(v -> v.contains("\"action\":\"Accept\""))
        .anyMatch(v -> v.contains("\"tier\":\"baseline\",\"allowed\":false"))
        .anyMatch(v -> v.contains("\"isolatedBy\""));
  }

  @Test
  void networkPolicyOnlyReportHasNoTierLayer() {
    String html = MatrixHtmlGoldenTest.run("matrix", "--format", "html", CompileCommandTest.demo().toString());
    assertThat(html).contains("<dt>NetworkPolicies</dt>")
        .doesNotContain("\"tiers\"", "\"decided\"", "tier-filter", "tier-strip", "Decided by");
  }

  /** Every cell of every generated tiered cluster says what the reference evaluator says. */
  @Test
  void everyCellAgreesWithTheReferenceEvaluator() {
    qt().withExamples(120).forAll(TieredClusterGen.clusters()).checkAssert(cluster -> {
      ReferenceEvaluator ref = new ReferenceEvaluator(cluster);
      List<Probe> probes = new ArrayList<>(MatrixComputer.declaredProbes(cluster, p -> true));
      probes.add(new Probe(PortSpec.named("http"), Protocol.TCP));
      probes.add(new Probe(PortSpec.of(80), Protocol.TCP));
      List<ReachabilityMatrix> matrices = new ArrayList<>();
      for (Probe probe : probes) {
        matrices.add(MatrixComputer.compute(cluster, ref, probe, p -> true));
      }
      MatrixReportContext context = new MatrixReportContext(OptionalInt.empty(), "netpolc test", GroupBy.namespace,
          Optional.of(new TierAttribution(ref)));
      String html = new HtmlMatrixFormatter().format(matrices, false, context);
      JsonNode root = MatrixHtmlReportTest.readTree(MatrixHtmlReportTest.dataBlock(html));
      Map<String, Pod> pods = activePods(cluster);
      for (int mi = 0; mi < probes.size(); mi++) {
        Probe probe = probes.get(mi);
        ReachabilityMatrix matrix = matrices.get(mi);
        JsonNode m = root.get("matrices").get(mi);
        List<String> keys = keys(m);
        for (int i = 0; i < keys.size(); i++) {
          int[] row = decodeRow(m.get("decided").get(i), keys.size());
          for (int j = 0; j < keys.size(); j++) {
            if (i != j) {
              JsonNode d = root.get("tiers").get("decisions").get(row[j]);
              String cell = probe + " " + keys.get(i) + " -> " + keys.get(j) + ": " + d;
              assertThat(d.get("allowed").asBoolean()).as(cell).isEqualTo(matrix.reaches(keys.get(i), keys.get(j)));
              assertCell(root.get("tiers"), d, ref, pods.get(keys.get(i)), pods.get(keys.get(j)), probe, cell);
            }
          }
        }
      }
    });
  }

  @Test
  void hostilePolicyAndRuleNamesStayInsideTheData() {
    String evil = "</script><b id=\"pwned\">x</b>\u2028<!--";
    Pod a = pod("a", "10.0.0.1");
    Pod b = pod("b", "10.0.0.2");
    ClusterNetworkPolicy cnp = new ClusterNetworkPolicy(evil, "Admin", 10,
        ClusterPolicySubject.namespaces(LabelSelector.EVERYTHING), List.of(),
        List.of(new ClusterPolicyRule(Optional.of(evil + "&rule"), "Deny",
            List.of(ClusterPolicyPeer.namespaces(LabelSelector.EVERYTHING)), Optional.empty())),
        ClusterPolicyKind.CLUSTER_NETWORK_POLICY, SourceMap.EMPTY, Set.of());
    Cluster cluster = new Cluster(List.of(Namespace.of("a", Map.of()), Namespace.of("b", Map.of())), List.of(a, b),
        List.of(), List.of()).withTieredPolicies(List.of(cnp), List.of(), List.of());
    ReferenceEvaluator ref = new ReferenceEvaluator(cluster);
    ReachabilityMatrix m = MatrixComputer.compute(cluster, ref, PortSpec.of(80), Protocol.TCP);
    String html = new HtmlMatrixFormatter().format(List.of(m), true, new MatrixReportContext(OptionalInt.of(1),
        "netpolc test", GroupBy.namespace, Optional.of(new TierAttribution(ref))));
    assertThat(Pattern.compile("</script", Pattern.CASE_INSENSITIVE).matcher(html).results().count()).isEqualTo(2);
    assertThat(html).doesNotContain("<!--", "\u2028", "pwned\">");
    JsonNode tiers = MatrixHtmlReportTest.readTree(MatrixHtmlReportTest.dataBlock(html)).get("tiers");
    List<String> strings = new ArrayList<>();
    tiers.get("strings").forEach(s -> strings.add(s.asText()));
    assertThat(strings).containsExactly("cnp:" + evil, evil + "&rule");
    JsonNode d = tiers.get("decisions").get(0);
    assertThat(d.get("tier").asText()).isEqualTo("admin");
    assertThat(d.get("allowed").asBoolean()).isFalse();
  }

  /** The decision {@code d} of one cell against the reference evaluator's explanation of its connection. */
  static void assertCell(JsonNode tiers, JsonNode d, ReferenceEvaluator ref, Pod from, Pod to, Probe probe,
      String cell) {
    Optional<Connection> c = connection(from, to, probe);
    if (c.isEmpty()) {
      boolean noPort = probe.port().isNamed() && to.namedPort(probe.port().name(), probe.protocol()).isEmpty();
      assertThat(d.get("settled").asText()).as(cell).isEqualTo(noPort ? "no-port" : "no-address");
      assertThat(d.get("tier").asText()).as(cell).isEqualTo("none");
      return;
    }
    Explanation e = ref.explain(c.get());
    assertThat(d.get("allowed").asBoolean()).as(cell).isEqualTo(e.allowed());
    if (e.shortcut() != Explanation.Shortcut.NONE) {
      assertThat(d.get("settled").asText()).as(cell)
          .isEqualTo(e.shortcut() == Explanation.Shortcut.NODE_LOCAL ? "node-local" : "same-address");
      assertThat(d.get("tier").asText()).as(cell).isEqualTo("none");
      return;
    }
    // Egress of the source, then ingress of the destination: the first that denies; when both
    // allow, egress if a tier had a say in it.
    DirectionVerdict deciding = !e.egress().allowed() ? e.egress() : !e.ingress().allowed() ? e.ingress()
        : e.egress().decidedBy() != DirectionVerdict.DecidedBy.DEFAULT ? e.egress() : e.ingress();
    assertThat(d.get("tier").asText()).as(cell).isEqualTo(tierId(deciding.decidedBy()));
    assertThat(d.get("by").asText()).as(cell).isEqualTo(deciding.direction() == PolicyType.Egress ? "egress" : "ingress");
    assertVerdict(tiers, tiers.get("verdicts").get(d.get("egress").asInt()), e.egress(), cell + " egress");
    assertVerdict(tiers, tiers.get("verdicts").get(d.get("ingress").asInt()), e.ingress(), cell + " ingress");
  }

  static void assertVerdict(JsonNode tiers, JsonNode v, DirectionVerdict expected, String what) {
    JsonNode strings = tiers.get("strings");
    assertThat(v.get("direction").asText()).as(what)
        .isEqualTo(expected.direction() == PolicyType.Egress ? "egress" : "ingress");
    assertThat(v.get("tier").asText()).as(what).isEqualTo(tierId(expected.decidedBy()));
    assertThat(v.get("allowed").asBoolean()).as(what).isEqualTo(expected.allowed());
    assertThat(v.has("applies")).as(what).isEqualTo(!expected.applies());
    Optional<TierRuleMatch> tierRule = expected.decidingStep().flatMap(TierStep::match);
    if (tierRule.isPresent()) {
      assertRule(strings, v.get("rule"), tierRule.get(), what);
    } else if (expected.decidedBy() == DirectionVerdict.DecidedBy.NETWORK_POLICY && expected.allowed()) {
      JsonNode rule = v.get("rule");
      assertThat(strings.get(rule.get("policy").asInt()).asText()).as(what)
          .isEqualTo("np:" + expected.match().orElseThrow().policy().key());
      assertThat(rule.get("index").asInt()).as(what).isEqualTo(expected.match().orElseThrow().ruleIndex());
      assertThat(rule.get("action").asText()).as(what).isEqualTo("Allow");
    } else {
      assertThat(v.has("rule")).as(what).isFalse();
    }
    List<String> isolatedBy = new ArrayList<>();
    if (v.has("isolatedBy")) {
      v.get("isolatedBy").forEach(s -> isolatedBy.add(strings.get(s.asInt()).asText()));
    }
    List<String> expectedIsolation = expected.decidedBy() == DirectionVerdict.DecidedBy.NETWORK_POLICY
        && !expected.allowed() ? expected.selecting().stream().map(p -> "np:" + p.key()).toList() : List.of();
    assertThat(isolatedBy).as(what).isEqualTo(expectedIsolation);
    List<TierRuleMatch> passes = new ArrayList<>();
    for (Optional<TierStep> step : List.of(expected.admin(), expected.baseline())) {
      step.flatMap(TierStep::match).filter(m -> m.action() == RuleAction.PASS).ifPresent(passes::add);
    }
    JsonNode actualPasses = v.get("passes");
    assertThat(actualPasses == null ? 0 : actualPasses.size()).as(what).isEqualTo(passes.size());
    for (int k = 0; k < passes.size(); k++) {
      assertRule(strings, actualPasses.get(k), passes.get(k), what + " pass " + k);
    }
  }

  static void assertRule(JsonNode strings, JsonNode rule, TierRuleMatch m, String what) {
    assertThat(rule).as(what + ": rule").isNotNull();
    assertThat(strings.get(rule.get("policy").asInt()).asText()).as(what).isEqualTo(m.policy().key());
    assertThat(rule.get("index").asInt()).as(what).isEqualTo(m.ruleIndex());
    assertThat(rule.get("action").asText()).as(what).isEqualTo(m.action().apiName());
    assertThat(Optional.ofNullable(rule.get("name")).map(n -> strings.get(n.asInt()).asText())).as(what)
        .isEqualTo(m.ruleName());
  }

  static String tierId(DirectionVerdict.DecidedBy by) {
    return by.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A row of {@code decided} expanded; checks that its runs cover exactly the row. */
  static int[] decodeRow(JsonNode runs, int n) {
    int[] row = new int[n];
    int k = 0;
    for (int r = 0; r < runs.size(); r += 2) {
      int count = runs.get(r + 1).asInt();
      assertThat(count).as("run length").isPositive();
      for (int c = 0; c < count; c++) {
        row[k++] = runs.get(r).asInt();
      }
    }
    assertThat(k).as("cells in the row").isEqualTo(n > 1 ? n : 0);
    return row;
  }

  static List<String> keys(JsonNode m) {
    List<String> keys = new ArrayList<>();
    for (JsonNode p : m.get("pods")) {
      keys.add(m.get("namespaces").get(p.get(0).asInt()).asText() + "/" + p.get(1).asText());
    }
    return keys;
  }

  /** The pods of a matrix by key: the first active pod of each key. */
  static Map<String, Pod> activePods(Cluster cluster) {
    Map<String, Pod> out = new LinkedHashMap<>();
    for (Pod p : cluster.pods()) {
      if (p.isActive()) {
        out.putIfAbsent(p.key(), p);
      }
    }
    return out;
  }

  /** The test's own account of the connection a matrix cell stands for (MatrixComputer's contract). */
  static Optional<Connection> connection(Pod from, Pod to, Probe probe) {
    int port;
    if (probe.port().isNamed()) {
      Optional<Integer> resolved = to.namedPort(probe.port().name(), probe.protocol());
      if (resolved.isEmpty()) {
        return Optional.empty();
      }
      port = resolved.get();
    } else {
      port = probe.port().number();
    }
    for (boolean v6 : new boolean[] {false, true}) {
      Optional<IpAddress> src = from.ips().stream().filter(ip -> ip.v6() == v6).findFirst();
      Optional<IpAddress> dst = to.ips().stream().filter(ip -> ip.v6() == v6).findFirst();
      if (src.isPresent() && dst.isPresent()) {
        return Optional.of(Connection.of(src.get(), dst.get(), probe.protocol(), port));
      }
    }
    return Optional.empty();
  }

  static Pod pod(String namespace, String ip) {
    return new Pod(namespace, "p", Map.of(), List.of(IpAddress.parse(ip)), "node-1", false, "Running", List.of(),
        List.of(), SourcePosition.UNKNOWN);
  }
}
