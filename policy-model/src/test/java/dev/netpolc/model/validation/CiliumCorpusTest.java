package dev.netpolc.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples of Cilium's policy language documentation ({@code src/test/resources/cilium/},
 * each with its source): the valid ones read and validate clean; the invalid ones give exactly
 * the findings their {@code # expect: ID path} lines name.
 */
class CiliumCorpusTest {
  private static Path dir(String name) {
    try {
      return Path.of(CiliumCorpusTest.class.getResource("/cilium/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  private static Stream<Path> files(String name) throws IOException {
    try (Stream<Path> s = Files.list(dir(name))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  static Stream<Path> valid() throws IOException {
    return files("valid");
  }

  static Stream<Path> invalid() throws IOException {
    return files("invalid");
  }

  private static String text(Path p) throws IOException {
    String yaml = Files.readString(p, StandardCharsets.UTF_8);
    assertThat(yaml).as("names its source").startsWith("# Source: https://");
    return yaml;
  }

  @ParameterizedTest
  @MethodSource("valid")
  void validExamplesReadAndValidateClean(Path p) throws IOException {
    ReadResult r = new PolicyReader().readString(p.getFileName().toString(), text(p));
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().cilium().policies()).hasSize(1);
    assertThat(new Validator(ValidationOptions.DEFAULT).validate(r.cluster())).isEmpty();
    assertThat(AcceptanceGate.DEFAULT.check(r.cluster()).accepted()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidExamplesGiveExactlyTheExpectedFindings(Path p) throws IOException {
    String yaml = text(p);
    List<String> expected = yaml.lines().filter(l -> l.startsWith("# expect: "))
        .map(l -> l.substring("# expect: ".length())).toList();
    assertThat(expected).isNotEmpty();
    ReadResult r = new PolicyReader().readString(p.getFileName().toString(), yaml);
    List<Diagnostic> found = new ArrayList<>(r.errors());
    if (r.errors().isEmpty()) {
      found.addAll(new Validator(ValidationOptions.DEFAULT).validate(r.cluster()));
      assertThat(AcceptanceGate.DEFAULT.check(r.cluster()).accepted()).isFalse();
    }
    assertThat(found).extracting(d -> d.ruleId() + " " + d.path()).containsExactlyElementsOf(expected);
    assertThat(found).allSatisfy(d -> assertThat(d.position().isKnown()).isTrue());
  }

  @Test
  void theCorpusCoversEndpointsEntitiesCidrsPortsIcmpAndDeny() throws IOException {
    assertThat(valid().map(p -> p.getFileName().toString())).contains("l3-simple.yaml", "entities-host.yaml",
        "cidr.yaml", "l4-port-range.yaml", "icmp.yaml", "egress-deny.yaml", "entities-from-world-deny.yaml");
  }
}
