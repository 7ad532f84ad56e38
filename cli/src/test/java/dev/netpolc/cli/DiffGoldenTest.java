package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden files for {@code netpolc diff} (text, JSON, Markdown) from {@code examples/demo/policies}
 * to {@code examples/demo-change} on the demo inventory. Regenerate with
 * {@code -Dnetpolc.updateGolden=true}; on a mismatch the output goes to {@code <golden>.actual}.
 */
class DiffGoldenTest {
  static final Path DIR = Path.of("src", "test", "resources", "golden", "diff");
  static final String OLD = Path.of("..", "examples", "demo", "policies").toString();
  static final String NEW = Path.of("..", "examples", "demo-change").toString();
  static final String CLUSTER = Path.of("..", "examples", "demo", "cluster.yaml").toString();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "demo.txt,            --format text",
      "demo.json,           --format json",
      "demo.md,             --format md",
      "demo-6379.json,      --port 6379 --format json",
      "demo-8443.txt,       --port 8443 --protocol tcp",
      "demo-api.md,         --port api --format md",
      "reversed.txt,        --reversed",
  })
  void matchesGolden(String golden, String args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("diff"));
    boolean reversed = args.contains("--reversed");
    argv.add(reversed ? NEW : OLD);
    argv.add(reversed ? OLD : NEW);
    argv.addAll(List.of("--cluster", CLUSTER));
    if (!reversed) {
      argv.addAll(List.of(args.trim().split("\\s+")));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(argv.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    assertThat(rc).as(err.toString()).isZero();
    ExplainGoldenTest.check(DIR.resolve(golden), out.toString());
  }
}
