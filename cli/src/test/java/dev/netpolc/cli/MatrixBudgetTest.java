package dev.netpolc.cli;

import static dev.netpolc.cli.MatrixCommandTest.FIXTURE;
import static dev.netpolc.cli.MatrixCommandTest.run;
import static dev.netpolc.cli.MatrixCommandTest.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.cli.MatrixCommandTest.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cell budget of {@code netpolc matrix} ({@code --max-cells}) and the source and destination
 * filters it points to, on the three-pod fixture with a lowered budget so the tests stay cheap.
 */
class MatrixBudgetTest {

  @Test
  void aMatrixOverTheBudgetIsRefusedWithTheFiltersNamedAndNoOutput() {
    // 3 pods x 3 pods x 1 probe = 9 cells.
    Run r = run("matrix", "--port", "5432", "--max-cells", "8", FIXTURE.toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("3 sources x 3 destinations x 1 probe = 9 cells, more than --max-cells 8")
        .contains("--namespace NS", "--from NS", "--to NS", "--port PORT")
        .contains("The input has 2 namespaces with active pods; the largest namespace, shop, has 2 pods.");
    assertThat(run("matrix", "--port", "5432", "--max-cells", "9", FIXTURE.toString()).rc()).isZero();
  }

  @Test
  void everyProbeCounts() {
    // Without --port the fixture's pods declare three probes: 27 cells.
    Run r = run("matrix", "--max-cells", "26", FIXTURE.toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("x 3 probes = 27 cells");
    assertThat(run("matrix", "--max-cells", "27", FIXTURE.toString()).rc()).isZero();
  }

  @Test
  void filtersBringAMatrixUnderTheBudget() throws IOException {
    Run r = run("matrix", "--port", "5432", "--max-cells", "2", "--format", "json",
        "--from", "shop", "--to", "monitoring", FIXTURE.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(r.out());
    List<String> sources = new ArrayList<>();
    root.get("allowed").fieldNames().forEachRemaining(sources::add);
    assertThat(sources).containsExactly("shop/db", "shop/frontend");
    assertThat(texts(root.get("allowed").get("shop/frontend"))).containsExactly("monitoring/prometheus");
  }

  @Test
  void fromAndToAreTheSliceOfTheFullMatrixInEveryGridFormat() {
    String full = run("matrix", "--port", "5432", "--format", "csv", FIXTURE.toString()).out();
    String slice = run("matrix", "--port", "5432", "--format", "csv", "--from", "monitoring", "--to", "shop",
        FIXTURE.toString()).out();
    List<String> expected = new ArrayList<>();
    expected.add("from,to,port,protocol,allowed");
    full.lines().filter(l -> l.startsWith("monitoring/") && l.contains(",shop/")).forEach(expected::add);
    assertThat(slice.lines().toList()).isEqualTo(expected).hasSize(3);

    String text = run("matrix", "--port", "5432", "--from", "monitoring", "--to", "shop", FIXTURE.toString()).out();
    assertThat(text).contains("monitoring/prometheus").contains("| shop").doesNotContain("| monitoring")
        .contains(" of 2 pairs allowed");
  }

  @Test
  void namespaceAndFromBothApply() throws IOException {
    Run r = run("matrix", "--port", "5432", "--format", "json", "--namespace", "shop", "--from", "shop",
        "--from", "monitoring", FIXTURE.toString());
    JsonNode root = new ObjectMapper().readTree(r.out());
    List<String> sources = new ArrayList<>();
    root.get("allowed").fieldNames().forEachRemaining(sources::add);
    assertThat(sources).containsExactly("shop/db", "shop/frontend");
  }

  @Test
  void htmlNeedsTheSameSourcesAndDestinations() {
    Run r = run("matrix", "--port", "5432", "--format", "html", "--from", "shop", "--to", "monitoring",
        FIXTURE.toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("--format html needs the same namespaces");
    assertThat(run("matrix", "--port", "5432", "--format", "html", "--from", "shop", "--to", "shop",
        FIXTURE.toString()).rc()).isZero();
  }

  @Test
  void aBudgetBelowOneIsABadArgument() {
    assertThat(run("matrix", "--max-cells", "0", FIXTURE.toString()).rc()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void dotCountsPairsOfARectangularMatrix() {
    String dot = run("matrix", "--port", "5432", "--format", "dot", "--from", "shop", "--to", "monitoring",
        FIXTURE.toString()).out();
    // Both shop pods reach monitoring/prometheus on 5432: 2 of the 2 pairs of the rectangle (a
    // square count over shop and monitoring would also count pairs outside it).
    assertThat(dot).contains("\"m1_n1\" -> \"m1_n0\" [label=\"2/2\"").doesNotContain("\"m1_n0\" ->");
  }
}
