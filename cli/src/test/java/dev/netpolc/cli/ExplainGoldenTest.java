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
 * Golden files for {@code netpolc explain} (text and JSON) on {@code examples/demo}.
 * Regenerate with {@code -Dnetpolc.updateGolden=true}; on a mismatch the output is written to
 * {@code <golden>.actual} next to the golden file.
 */
class ExplainGoldenTest {
  static final Path DIR = Path.of("src", "test", "resources", "golden", "explain");
  static final String DEMO = Path.of("..", "examples", "demo").toString();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "allowed-named-port.txt,  --from frontend/web-7d9f8-a --to backend/checkout-5c4b-a --port api",
      "allowed-named-port.json, --from frontend/web-7d9f8-a --to backend/checkout-5c4b-a --port api --format json",
      "denied-port.txt,         --from frontend/web-7d9f8-a --to backend/checkout-5c4b-a --port 9999",
      "denied-port.json,        --from frontend/web-7d9f8-a --to backend/checkout-5c4b-a --port 9999 --format json",
      "denied-peer.txt,         --from frontend/web-7d9f8-a --to database/postgres-0 --port 5432/tcp",
      "denied-peer.json,        --from frontend/web-7d9f8-a --to database/postgres-0 --port 5432 --format json",
      "icmp-external.txt,       --from frontend/web-7d9f8-a --to 8.8.8.8 --protocol icmp",
      "ipv6.txt,                --from backend/catalog-66d-a --to database/redis-0 --port 6379 --family ipv6",
  })
  void matchesGolden(String golden, String args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("explain"));
    argv.addAll(List.of(args.trim().split("\\s+")));
    argv.add(DEMO);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(argv.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    assertThat(rc).as(err.toString()).isZero();
    check(DIR.resolve(golden), out.toString());
  }

  /** Compares with the golden file, or rewrites it with {@code -Dnetpolc.updateGolden=true}. */
  static void check(Path file, String output) throws IOException {
    Path actual = file.resolveSibling(file.getFileName() + ".actual");
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
    assertThat(output).as("output differs from %s; see %s (regenerate with -Dnetpolc.updateGolden=true)", file,
        actual).isEqualTo(expected);
  }
}
