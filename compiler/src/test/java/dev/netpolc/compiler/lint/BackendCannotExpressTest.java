package dev.netpolc.compiler.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Feature;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.Linter;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** NP209 against a backend of limited capabilities, and silence without a backend or with a full one. */
class BackendCannotExpressTest {
  private static final String FIXTURE = "np209-backend-cannot-express.yaml";

  /** A backend that declares {@code features} and renders nothing (only its capabilities are read). */
  private record LimitedBackend(Set<Feature> features) implements Backend {
    @Override
    public String name() {
      return "limited";
    }

    @Override
    public String description() {
      return "a test backend with few capabilities";
    }

    @Override
    public Set<Feature> capabilities() {
      return features;
    }

    @Override
    public Artifact emit(RuleGraph graph, BackendOptions options) {
      throw new UnsupportedOperationException("the lint rule never emits");
    }

    @Override
    public ConnectionDecider simulator(Artifact artifact, SimulationContext context) {
      throw new UnsupportedOperationException("the lint rule never simulates");
    }
  }

  @Test
  void reportsEachFeatureTheBackendLacks() {
    Backend limited = new LimitedBackend(EnumSet.of(Feature.IPV4, Feature.PORT_RANGES));
    List<Diagnostic> found = CompilerLintFixtures.assertMarked(FIXTURE, "NP209",
        CompilerLintRules.all(Optional.of(limited)));
    assertThat(found).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m).contains("(SCTP)"))
        .anySatisfy(m -> assertThat(m).contains("(IPV6)")).anySatisfy(m -> assertThat(m).contains("(NAMED_PORTS)"))
        .anySatisfy(m -> assertThat(m).contains("(ALL_PROTOCOLS)"))
        .allSatisfy(m -> assertThat(m).contains("the limited backend cannot express"));
  }

  @Test
  void silentForABackendWithEveryFeatureOrWithoutABackend() {
    Backend full = new LimitedBackend(EnumSet.allOf(Feature.class));
    for (Optional<Backend> b : List.of(Optional.of(full), Optional.<Backend>empty())) {
      assertThat(new Linter(LintConfig.DEFAULT, CompilerLintRules.all(b)).lint(CompilerLintFixtures.read(FIXTURE))
          .findings()).noneMatch(d -> d.ruleId().equals("NP209"));
    }
  }
}
