package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed or hostile file of {@code input-corpus/} declares the error it must cause
 * ({@code # expect: NP003 7:15} on its first line, or a sidecar {@code name.expect}); reading it
 * must report exactly that error there, throw nothing, and contribute no object.
 */
class InputCorpusTest {
  private static final String EXPECT = "# expect: ";

  static Stream<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(InputCorpusTest.class.getResource("/input-corpus").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> !p.toString().endsWith(".expect")).sorted().collect(Collectors.toList()).stream();
    }
  }

  @Test
  void corpusIsLargeEnough() throws Exception {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void reportsTheDeclaredErrorAndNothingElse(Path file) throws IOException {
    String[] expected = expectation(file).split("[ :]");
    String id = expected[0];
    int line = Integer.parseInt(expected[1]);
    int column = Integer.parseInt(expected[2]);

    ReadResult r = new PolicyReader().read(List.of(file));

    assertThat(r.ok()).isFalse();
    assertThat(r.errors()).allSatisfy(d -> assertThat(d.severity()).isEqualTo(Severity.ERROR));
    Diagnostic first = r.errors().get(0);
    assertThat(first.ruleId() + " " + first.position().line() + ":" + first.position().column())
        .as("first error: %s", first)
        .isEqualTo(id + " " + line + ":" + column);
    assertThat(first.position().file()).isEqualTo(file.toString());
    assertThat(first.message()).isNotBlank();
    assertThat(r.cluster().namespaces()).isEmpty();
    assertThat(r.cluster().pods()).isEmpty();
    assertThat(r.cluster().nodes()).isEmpty();
    assertThat(r.cluster().policies()).isEmpty();
    assertThat(r.cluster().hasTieredPolicies()).isFalse();
    assertThat(r.objectCount()).isZero();
    assertThat(r.skippedKinds()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void aBadFileDoesNotSpoilTheGoodOnesBesideIt(Path file, @org.junit.jupiter.api.io.TempDir Path tmp)
      throws IOException {
    Path good = tmp.resolve("good.yaml");
    Files.writeString(good, "apiVersion: v1\nkind: Namespace\nmetadata: {name: fine}\n");

    ReadResult r = new PolicyReader().read(List.of(good, file));

    assertThat(r.cluster().namespaces()).extracting(n -> n.name()).containsExactly("fine");
    assertThat(r.errors()).isNotEmpty().allSatisfy(d -> assertThat(d.position().file()).isEqualTo(file.toString()));
  }

  private static String expectation(Path file) throws IOException {
    Path sidecar = Path.of(file + ".expect");
    if (Files.exists(sidecar)) {
      return Files.readString(sidecar).trim();
    }
    byte[] bytes = Files.readAllBytes(file);
    int nl = 0;
    while (nl < bytes.length && bytes[nl] != '\n') {
      nl++;
    }
    String first = new String(bytes, 0, nl, StandardCharsets.ISO_8859_1);
    assertThat(first).as("first line of %s", file).startsWith(EXPECT);
    return first.substring(EXPECT.length()).trim();
  }
}
