package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP306: the fixture marks every expected finding by line and column, and nothing else is reported. */
class PodFullyIsolatedTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np306-pod-fully-isolated.yaml", "NP306",
        LintConfig.DEFAULT.withRule("NP306=info"));
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
  }

  @Test
  void isOffUnlessAskedFor() {
    LintReport report =
        new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np306-pod-fully-isolated.yaml"));
    assertThat(report.findings()).noneMatch(d -> d.ruleId().equals("NP306"));
    assertThat(report.skipped()).noneMatch(s -> s.ruleId().equals("NP306"));
  }
}
