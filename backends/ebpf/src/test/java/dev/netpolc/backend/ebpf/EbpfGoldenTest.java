package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * maps.json and maps.batch of the tiny example (src/test/resources/tiny) and of a small tiered
 * graph ({@link TieredFixture}) per node and cluster-wide, against golden files in
 * {@code src/test/resources/golden/<case>/}. Regenerate
 * with {@code -Dnetpolc.updateGolden=true}; on a mismatch the output is written next to the
 * golden file as {@code <file>.actual}.
 */
class EbpfGoldenTest {
  static final Path DIR = Path.of("src", "test", "resources", "golden");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "tiny-node-a, node-a, ''",
      "tiny-cluster, '', /run/netpolc/bpf",
  })
  void tinyMatchesGolden(String golden, String node, String pinDir) throws IOException {
    CompileOptions options = node.isEmpty() ? CompileOptions.DEFAULTS : CompileOptions.DEFAULTS.withNode(node);
    BackendOptions b = pinDir.isEmpty() ? BackendOptions.DEFAULTS : BackendOptions.DEFAULTS.with("pinDir", pinDir);
    Artifact a = Fixtures.emit(Fixtures.compile(Fixtures.tiny(), options), b);
    assertMatchesGolden(golden, a);
  }

  /** The hand-built tiered graph ({@link TieredFixture}), per node and cluster-wide. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "tiered-node-a, node-a",
      "tiered-cluster, ''",
  })
  void tieredMatchesGolden(String golden, String node) throws IOException {
    Artifact a = Fixtures.emit(TieredFixture.graph(node.isEmpty() ? Optional.empty() : Optional.of(node), false),
        BackendOptions.DEFAULTS);
    assertMatchesGolden(golden, a);
  }

  private static void assertMatchesGolden(String golden, Artifact a) throws IOException {
    assertThat(a.files().keySet()).containsExactly("maps.batch", "maps.json");
    Path dir = DIR.resolve(golden);
    Files.createDirectories(dir);
    for (Map.Entry<String, String> f : a.files().entrySet()) {
      Path file = dir.resolve(f.getKey());
      Path actual = dir.resolve(f.getKey() + ".actual");
      String text = f.getValue();
      if (Boolean.getBoolean("netpolc.updateGolden")) {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.deleteIfExists(actual);
        continue;
      }
      String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      if (expected.equals(text)) {
        Files.deleteIfExists(actual);
      } else {
        Files.writeString(actual, text, StandardCharsets.UTF_8);
      }
      assertThat(text).as("%s differs; see %s (regenerate with -Dnetpolc.updateGolden=true)", file, actual)
          .isEqualTo(expected);
    }
  }
}
