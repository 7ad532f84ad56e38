package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ruleset of examples/demo, cluster-wide and per node, against golden files in
 * {@code src/test/resources/golden/}. Regenerate with {@code -Dnetpolc.updateGolden=true}; on a
 * mismatch the output is written to {@code <golden>.actual} for diffing.
 */
class NftablesGoldenTest {
  static final Path DIR = Path.of("src", "test", "resources", "golden");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "demo-cluster.nft, ''",
      "demo-node-a.nft, node-a",
      "demo-node-b.nft, node-b",
  })
  void demoMatchesGolden(String golden, String node) throws IOException {
    CompileOptions options = node.isEmpty() ? CompileOptions.DEFAULTS : CompileOptions.DEFAULTS.withNode(node);
    String text = Fixtures.emit(Fixtures.compile(Fixtures.demo(), options), BackendOptions.DEFAULTS).primary();
    Path file = DIR.resolve(golden);
    Path actual = DIR.resolve(golden + ".actual");
    if (Boolean.getBoolean("netpolc.updateGolden")) {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Files.deleteIfExists(actual);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    if (expected.equals(text)) {
      Files.deleteIfExists(actual);
    } else {
      Files.writeString(actual, text, StandardCharsets.UTF_8);
    }
    assertThat(text).as("ruleset differs from %s; see %s (regenerate with -Dnetpolc.updateGolden=true)", file, actual)
        .isEqualTo(expected);
  }
}
