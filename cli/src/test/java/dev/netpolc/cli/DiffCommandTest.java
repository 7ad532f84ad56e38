package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netpolc diff}: exit codes, errors, and agreement with two runs of {@code netpolc matrix}. */
class DiffCommandTest {
  static final String OLD = DiffGoldenTest.OLD;
  static final String NEW = DiffGoldenTest.NEW;
  static final String CLUSTER = DiffGoldenTest.CLUSTER;

  private static ExplainCommandTest.Run run(String... args) {
    return ExplainCommandTest.run(args);
  }

  @Test
  void failOnNewAllowExitsOneWhenSomethingIsNewlyAllowed() {
    assertThat(run("diff", OLD, NEW, "--cluster", CLUSTER, "--fail-on-new-allow").rc()).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(run("diff", OLD, NEW, "--cluster", CLUSTER).rc()).isZero();
    // On 6379 the change only denies.
    assertThat(run("diff", OLD, NEW, "--cluster", CLUSTER, "--port", "6379", "--fail-on-new-allow").rc()).isZero();
  }

  @Test
  void theSamePoliciesHaveNoDiff() {
    ExplainCommandTest.Run r = run("diff", OLD, OLD, "--cluster", CLUSTER, "--fail-on-new-allow");
    assertThat(r.rc()).isZero();
    assertThat(r.out()).isEqualTo("netpolc diff: no connection between pods changes\n");
  }

  @Test
  void invalidInputExitsTwoWithoutOutput(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: a}\n"
        + "spec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 99999}\n");
    ExplainCommandTest.Run r = run("diff", OLD, bad.toString(), "--cluster", CLUSTER);
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(bad.toString() + ":").contains("spec.ingress[0].ports[0].port")
        .doesNotContain("Exception");
  }

  @Test
  void badArgumentsExitTwo() {
    assertThat(run("diff", OLD, NEW, "--protocol", "udp").rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run("diff", OLD, NEW, "--port", "80", "--protocol", "gre").rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run("diff", OLD, NEW, "--port", "123456").rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run("diff", OLD).rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run("diff", OLD, "/no/such/dir").rc()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void withoutInventoryItSaysSo() {
    ExplainCommandTest.Run r = run("diff", OLD, NEW);
    assertThat(r.rc()).isZero();
    assertThat(r.err()).contains("no pods in the input");
  }

  @Test
  void outputIsByteIdenticalAcrossRuns() {
    for (String format : List.of("text", "json", "md")) {
      String[] args = {"diff", OLD, NEW, "--cluster", CLUSTER, "--format", format};
      assertThat(run(args).out()).isEqualTo(run(args).out());
    }
  }

  /** The pairs of {@code diff --port P --format json} are the difference of two {@code matrix --port P} runs. */
  @Test
  void perPortPairsEqualTheDifferenceOfTwoMatrices() throws IOException {
    for (String port : List.of("6379", "8443", "5432", "53", "api", "metrics")) {
      JsonNode diff = new ObjectMapper().readTree(
          run("diff", OLD, NEW, "--cluster", CLUSTER, "--port", port, "--format", "json").out());
      Set<String> before = allowedPairs(run("matrix", "--port", port, "--format", "json", CLUSTER, OLD).out());
      Set<String> after = allowedPairs(run("matrix", "--port", port, "--format", "json", CLUSTER, NEW).out());
      Set<String> gained = new TreeSet<>(after);
      gained.removeAll(before);
      Set<String> lost = new TreeSet<>(before);
      lost.removeAll(after);
      assertThat(pairs(diff.get("newlyAllowed"))).as("port %s", port).isEqualTo(new ArrayList<>(gained));
      assertThat(pairs(diff.get("newlyDenied"))).as("port %s", port).isEqualTo(new ArrayList<>(lost));
    }
  }

  private static List<String> pairs(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(p -> out.add(p.get(0).asText() + " " + p.get(1).asText()));
    return out;
  }

  private static Set<String> allowedPairs(String matrixJson) throws IOException {
    JsonNode m = new ObjectMapper().readTree(matrixJson);
    Set<String> out = new TreeSet<>();
    m.get("allowed").properties().forEach(e -> e.getValue().forEach(d -> out.add(e.getKey() + " " + d.asText())));
    return out;
  }
}
