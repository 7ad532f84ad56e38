package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden files for every {@code netpolc lint} format over {@code examples/demo} (inventory and
 * policies), {@code examples/lint} (common mistakes, no inventory) and {@code examples/lint-cilium}
 * (Cilium's traps, with inventory). Regenerate with
 * {@code -Dnetpolc.updateGolden=true}; on a mismatch the output is written to
 * {@code <golden>.actual} next to the golden file, and the test fails.
 */
class LintGoldenTest {
  static final Path DIR = Path.of("src", "test", "resources", "golden", "lint");
  static final Path EXAMPLES = Path.of("..", "examples");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "demo.txt,      demo, text,  0",
      "demo.json,     demo, json,  0",
      "demo.sarif,    demo, sarif, 0",
      "demo.github,   demo, github, 0",
      "lint.txt,      lint, text,  1",
      "lint.json,     lint, json,  1",
      "lint.sarif,    lint, sarif, 1",
      "lint.github,   lint, github, 1",
      "lint-cilium.txt,  lint-cilium, text, 1",
      "lint-cilium.json, lint-cilium, json, 1",
  })
  void matchesGolden(String golden, String example, String format, int exitCode) throws IOException {
    String[] argv = {"lint", "--format", format, EXAMPLES.resolve(example).toString()};
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(argv, new PrintWriter(out), new PrintWriter(err));
    assertThat(rc).as(err.toString()).isEqualTo(exitCode);
    Path file = DIR.resolve(golden);
    Path actual = DIR.resolve(golden + ".actual");
    if (Boolean.getBoolean("netpolc.updateGolden")) {
      Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
      Files.deleteIfExists(actual);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    if (!expected.equals(out.toString())) {
      Files.writeString(actual, out.toString(), StandardCharsets.UTF_8);
    } else {
      Files.deleteIfExists(actual);
    }
    assertThat(out.toString()).as("output differs from %s; see %s (regenerate with -Dnetpolc.updateGolden=true)",
        file, actual).isEqualTo(expected);
  }
}
