package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden reports for people ({@code html}, {@code dot}, {@code mermaid}) over examples/demo.
 * Regenerate with {@code -Dnetpolc.updateGolden=true}; on a mismatch the output is written to
 * {@code <golden>.actual} for diffing.
 */
class MatrixHtmlGoldenTest {
  static final Path DIR = Path.of("src", "test", "resources", "golden", "matrix");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "demo.html,            --format html",
      "demo-5432.html,       --format html --port 5432",
      "demo.dot,             --format dot",
      "demo-pods-5432.dot,   --format dot --group-by pod --port 5432",
      "demo.mermaid,         --format mermaid",
      "demo-pods-5432.mermaid, --format mermaid --group-by pod --port 5432",
  })
  void matchesGolden(String golden, String args) throws IOException {
    assertGolden(golden, args.trim().split("\\s+"));
  }

  /** Runs {@code netpolc matrix ARGS examples/demo} and compares its output with {@code golden}. */
  static void assertGolden(String golden, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("matrix"));
    argv.addAll(List.of(args));
    argv.add(CompileCommandTest.demo().toString());
    String output = run(argv.toArray(new String[0]));
    Path file = DIR.resolve(golden);
    Path actual = DIR.resolve(golden + ".actual");
    if (Boolean.getBoolean("netpolc.updateGolden")) {
      Files.writeString(file, output, StandardCharsets.UTF_8);
      Files.deleteIfExists(actual);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    if (!expected.equals(output)) {
      Files.writeString(actual, output, StandardCharsets.UTF_8);
    } else {
      Files.deleteIfExists(actual);
    }
    assertThat(output).as("output differs from %s; see %s (regenerate with -Dnetpolc.updateGolden=true)",
        file, actual).isEqualTo(expected);
  }

  /** The standard output of a successful run. */
  static String run(String... argv) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(argv, new PrintWriter(out), new PrintWriter(err));
    assertThat(rc).as(err.toString()).isZero();
    return out.toString();
  }
}
