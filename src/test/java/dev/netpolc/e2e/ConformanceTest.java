package dev.netpolc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.cli.Main;
import dev.netpolc.compiler.conformance.ConformanceCase;
import dev.netpolc.compiler.conformance.ConformanceCorpus;
import dev.netpolc.compiler.conformance.MatrixDiff;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.model.Protocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every conformance case (shared and own) through {@code netpolc matrix --format json --via V},
 * for every step and probe, compared with the case's {@code allowed}. A failure lists the case,
 * the step, the probe and each differing pair. A case that requires a feature outside
 * {@link #FEATURES} is skipped with the reason.
 */
class ConformanceTest {

  /** The deciders the corpus runs through: each is a {@code --via} value of {@code netpolc matrix}. */
  static final List<String> VIAS = List.of("reference", "ir");

  /** The case features ({@link ConformanceCase#FEATURES}) that {@code netpolc matrix} decides: all. */
  static final Set<String> FEATURES = Set.of("tiers", "domainNames", "calico", "cilium");

  @TempDir
  static Path tmp;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String via : VIAS) {
      for (ConformanceCase c : ConformanceCorpus.all()) {
        out.add(Arguments.of(via, c.name(), c));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void matrixAgreesWithTheCase(String via, String name, ConformanceCase c) throws IOException {
    Optional<String> skip = c.unsupportedBy(FEATURES);
    Assumptions.assumeTrue(skip.isEmpty(), () -> skip.orElseThrow());
    List<String> failures = new ArrayList<>();
    for (ConformanceCase step : c.steps()) {
      Path input = tmp.resolve(via + "-" + step.name() + ".yaml");
      Files.writeString(input, step.toKubernetesYaml(), StandardCharsets.UTF_8);
      for (ReachabilityMatrix expected : step.probes()) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(new String[] {"matrix", "--via", via, "--format", "json",
            "--port", expected.port().toString(), "--protocol", expected.protocol().name(), input.toString()},
            new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).as("exit code of case %s probe %s/%s; stderr:%n%s", step.name(), expected.port(),
            expected.protocol(), err).isZero();
        failures.addAll(MatrixDiff.describe(step.name(), expected, parse(out.toString())));
      }
    }
    assertThat(failures).as("via %s: disagreements with case %s (%s)", via, name, c.description()).isEmpty();
  }

  /** Reads the matrix contract back. */
  static ReachabilityMatrix parse(String json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    JsonNode port = root.get("port");
    PortSpec spec = port.isInt() ? PortSpec.of(port.asInt()) : PortSpec.named(port.asText());
    Map<String, List<String>> allowed = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : root.get("allowed").properties()) {
      List<String> to = new ArrayList<>();
      e.getValue().forEach(v -> to.add(v.asText()));
      allowed.put(e.getKey(), to);
    }
    return new ReachabilityMatrix(spec, Protocol.parse(root.get("protocol").asText()).orElseThrow(),
        new TreeMap<>(allowed));
  }
}
