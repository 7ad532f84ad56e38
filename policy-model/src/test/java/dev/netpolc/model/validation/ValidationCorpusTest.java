package dev.netpolc.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of {@code validation-corpus/} starts with {@code # expect: NP10x LINE:COL} (several
 * separated by commas); reading it and validating it must give exactly those errors.
 */
class ValidationCorpusTest {

  static Stream<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(ValidationCorpusTest.class.getResource("/validation-corpus").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(20);
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void validatorReportsExactlyTheExpectedErrors(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String header = text.substring(0, text.indexOf('\n'));
    assertThat(header).startsWith("# expect: ");
    List<String> expected = Arrays.stream(header.substring("# expect: ".length()).split(","))
        .map(String::trim).sorted().collect(Collectors.toList());

    String name = file.getFileName().toString();
    ReadResult read = new PolicyReader().readString(name, text);
    assertThat(read.errors()).as("reader errors").isEmpty();
    List<Diagnostic> errors = new Validator(ValidationOptions.DEFAULT).validate(read.cluster()).stream()
        .filter(d -> d.severity() == Severity.ERROR).collect(Collectors.toList());

    assertThat(errors.stream().map(d -> d.ruleId() + " " + d.position().line() + ":" + d.position().column())
        .sorted().collect(Collectors.toList())).as("%s", errors).isEqualTo(expected);
    assertThat(errors).allSatisfy(d -> assertThat(d.position().file()).isEqualTo(name));
  }
}
