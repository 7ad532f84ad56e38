package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatrixCommandTest {
  static final Path FIXTURE = MatrixGoldenTest.DIR.resolve("fixture.yaml");

  record Run(int rc, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(rc, out.toString(), err.toString());
  }

  @Test
  void jsonFollowsTheMatrixContract() throws IOException {
    Run r = run("matrix", "--port", "5432", "--protocol", "tcp", "--format", "json", FIXTURE.toString());
    assertThat(r.rc()).isZero();
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.isObject()).isTrue();
    List<String> fields = new ArrayList<>();
    root.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("allowed", "port", "protocol");
    assertThat(root.get("port").asInt()).isEqualTo(5432);
    assertThat(root.get("protocol").asText()).isEqualTo("TCP");
    List<String> keys = new ArrayList<>();
    root.get("allowed").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("monitoring/prometheus", "shop/db", "shop/frontend").isSorted();
    // The policy lets only shop/frontend into shop/db.
    assertThat(texts(root.get("allowed").get("monitoring/prometheus"))).containsExactly(
        "monitoring/prometheus", "shop/frontend");
    assertThat(texts(root.get("allowed").get("shop/frontend"))).containsExactly(
        "monitoring/prometheus", "shop/db", "shop/frontend");
  }

  @Test
  void withoutPortThereIsOneMatrixPerDeclaredPortAndProtocol() throws IOException {
    Run r = run("matrix", "--format", "json", FIXTURE.toString());
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.isArray()).isTrue();
    List<Integer> ports = new ArrayList<>();
    root.forEach(m -> ports.add(m.get("port").asInt()));
    assertThat(ports).containsExactly(5432, 8080, 9090);
    assertThat(run("matrix", "--protocol", "UDP", FIXTURE.toString()).rc()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void aNamedPortResolvesOnEachDestination() throws IOException {
    JsonNode root = new ObjectMapper().readTree(run("matrix", "--port", "http", "--format", "json",
        FIXTURE.toString()).out());
    assertThat(root.get("port").asText()).isEqualTo("http");
    // shop/db declares no port named http: nobody else reaches it.
    root.get("allowed").properties().forEach(e -> assertThat(texts(e.getValue()).contains("shop/db"))
        .isEqualTo(e.getKey().equals("shop/db")));
  }

  @Test
  void outputIsDeterministic() {
    String first = run("matrix", FIXTURE.toString()).out();
    assertThat(run("matrix", FIXTURE.toString()).out()).isEqualTo(first);
  }

  @Test
  void badYamlIsReportedWithPositionAndNoOutput(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: v1\nkind: Pod\nmetadata: {name: [oops\n");
    Run r = run("matrix", "--port", "80", bad.toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).containsPattern("bad\\.yaml:\\d+:\\d+: error\\[").doesNotContain("Exception");
  }

  @Test
  void invalidPoliciesAreRejected(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\n"
        + "spec:\n  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/99}\n");
    Run r = run("matrix", "--port", "80", bad.toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("bad.yaml:8:").contains("error[");
  }

  @Test
  void ignoredRulesAreAWarningBecauseTheirMeaningIsDefined(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("ignored.yaml");
    Files.writeString(file, Files.readString(FIXTURE) + "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        + "metadata: {name: p, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress: [{}]\n"
        + "  egress:\n  - to: [{podSelector: {}}]\n");
    Run r = run("matrix", "--port", "5432", "--format", "csv", file.toString());
    assertThat(r.rc()).isZero();
    assertThat(r.err()).contains("warning[NP106]");
    // The egress rule is ignored: shop pods still reach monitoring.
    assertThat(r.out()).contains("shop/db,monitoring/prometheus,5432,TCP,true");
  }

  @Test
  void badArgumentsExitWithUsage() {
    assertThat(run("matrix", "--port", "70000", FIXTURE.toString()).rc()).isEqualTo(Main.EXIT_USAGE);
    // ICMP is probed by message, not port (MatrixIcmpTest): a port with it is a usage error.
    assertThat(run("matrix", "--protocol", "ICMP", "--port", "80", FIXTURE.toString()).rc()).isEqualTo(Main.EXIT_USAGE);
    Run via = run("matrix", "--via", "nonsense", FIXTURE.toString());
    assertThat(via.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(via.err()).contains("unknown decider 'nonsense'", "reference");
    assertThat(run("matrix", "--format", "xml", FIXTURE.toString()).rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run("matrix", "--port", "80", "/nonexistent/file.yaml").rc()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void namespaceFilterRestrictsRowsAndColumns() throws IOException {
    JsonNode root = new ObjectMapper().readTree(run("matrix", "--port", "5432", "--format", "json",
        "--namespace", "monitoring", FIXTURE.toString()).out());
    List<String> keys = new ArrayList<>();
    root.get("allowed").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("monitoring/prometheus");
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    Iterator<JsonNode> it = array.elements();
    it.forEachRemaining(n -> out.add(n.asText()));
    return out;
  }
}
