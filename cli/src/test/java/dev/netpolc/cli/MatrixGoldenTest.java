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
 * Golden files for every {@code netpolc matrix} format over {@code golden/matrix/fixture.yaml}.
 * Regenerate with {@code -Dnetpolc.updateGolden=true}; on a mismatch the output is written to
 * {@code <golden>.actual} next to the golden file for diffing.
 */
class MatrixGoldenTest {
  static final Path DIR = Path.of("src", "test", "resources", "golden", "matrix");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "port-5432.txt,   --port 5432 --format text",
      "port-5432.json,  --port 5432 --format json",
      "port-pg.md,      --port pg --format md",
      "port-5432.csv,   --port 5432 --format csv",
      "all-ports.json,  --format json",
      "all-ports.txt,   --format text",
      "shop-only.csv,   --format csv --namespace shop",
  })
  void matchesGolden(String golden, String args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("matrix"));
    argv.addAll(List.of(args.trim().split("\\s+")));
    argv.add(DIR.resolve("fixture.yaml").toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(argv.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    assertThat(rc).as(err.toString()).isZero();
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
