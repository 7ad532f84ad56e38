package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The budgets of {@code netpolc diff} ({@code --max-class-pairs}, {@code --max-blocks}) and the
 * {@code --namespace}/{@code --from}/{@code --to} filters they point to, on the demo change with
 * lowered budgets so the tests stay cheap.
 */
class DiffBudgetTest {
  private static final String OLD = DiffCommandTest.OLD;
  private static final String NEW = DiffCommandTest.NEW;
  private static final String CLUSTER = DiffCommandTest.CLUSTER;

  private static ExplainCommandTest.Run run(String... args) {
    return ExplainCommandTest.run(args);
  }

  @Test
  void tooManyClassPairsAreRefusedBeforeDecidingWithTheFiltersNamedAndNoOutput() {
    ExplainCommandTest.Run r = run("diff", OLD, NEW, "--cluster", CLUSTER, "--max-class-pairs", "2");
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("pairs of pod classes to decide, more than 2; refused before deciding any")
        .contains("--max-class-pairs is 2: nothing printed")
        .contains("--namespace NS", "--from NS", "--to NS", "or raise --max-class-pairs")
        .contains("The input has 5 namespaces with active pods.")
        .doesNotContain("Exception");
  }

  @Test
  void tooManyBlocksStopWithNoOutput() {
    ExplainCommandTest.Run r = run("diff", OLD, NEW, "--cluster", CLUSTER, "--max-blocks", "1");
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("more than 1 changed blocks").contains("or raise --max-blocks")
        .doesNotContain("Exception");
    // The whole change fits a larger budget.
    assertThat(run("diff", OLD, NEW, "--cluster", CLUSTER, "--max-blocks", "100").out())
        .isEqualTo(run("diff", OLD, NEW, "--cluster", CLUSTER).out());
  }

  @Test
  void filtersBringADiffUnderTheBudget() {
    // From and to the frontend only: nothing changed there, so no class pair needs deciding.
    ExplainCommandTest.Run r = run("diff", OLD, NEW, "--cluster", CLUSTER, "--max-class-pairs", "1",
        "--namespace", "frontend");
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("netpolc diff: no connection between pods changes\n");
  }

  @Test
  void budgetsBelowOneAreBadArguments() {
    assertThat(run("diff", OLD, NEW, "--max-blocks", "0").rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run("diff", OLD, NEW, "--max-class-pairs", "-1").rc()).isEqualTo(Main.EXIT_USAGE);
  }

  /** For every --from/--to pair of namespaces (and --namespace), the pairs are the full diff's, filtered. */
  @Test
  void fromToAndNamespaceAreTheSliceOfTheFullDiff() throws IOException {
    List<String> namespaces = List.of("backend", "database", "frontend", "monitoring");
    for (String port : List.of("6379", "8443")) {
      JsonNode full = json(run("diff", OLD, NEW, "--cluster", CLUSTER, "--port", port, "--format", "json").out());
      for (String from : namespaces) {
        for (String to : namespaces) {
          JsonNode slice = json(run("diff", OLD, NEW, "--cluster", CLUSTER, "--port", port, "--format", "json",
              "--from", from, "--to", to).out());
          for (String kind : List.of("newlyAllowed", "newlyDenied")) {
            assertThat(pairs(slice.get(kind))).as("%s %s -> %s on %s", kind, from, to, port)
                .isEqualTo(pairs(full.get(kind)).stream()
                    .filter(p -> p.startsWith(from + "/") && p.contains(" " + to + "/")).toList());
          }
        }
        JsonNode within = json(run("diff", OLD, NEW, "--cluster", CLUSTER, "--port", port, "--format", "json",
            "--namespace", from).out());
        assertThat(pairs(within.get("newlyDenied"))).isEqualTo(pairs(full.get("newlyDenied")).stream()
            .filter(p -> p.startsWith(from + "/") && p.contains(" " + from + "/")).toList());
      }
    }
    // The demo change does show up in a slice: backend to database loses 6379.
    JsonNode slice = json(run("diff", OLD, NEW, "--cluster", CLUSTER, "--port", "6379", "--format", "json",
        "--from", "backend", "--to", "database").out());
    assertThat(pairs(slice.get("newlyDenied"))).hasSize(2);
  }

  private static JsonNode json(String s) throws IOException {
    return new ObjectMapper().readTree(s);
  }

  private static List<String> pairs(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(p -> out.add(p.get(0).asText() + " " + p.get(1).asText()));
    return out;
  }
}
