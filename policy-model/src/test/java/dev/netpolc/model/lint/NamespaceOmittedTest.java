package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP305: the fixture marks every expected finding by line and column, and nothing else is reported. */
class NamespaceOmittedTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np305-namespace-omitted.yaml", "NP305",
        LintConfig.DEFAULT.withRule("NP305=info"));
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
  }

  @Test
  void isOffUnlessAskedFor() {
    LintReport report =
        new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np305-namespace-omitted.yaml"));
    assertThat(report.findings()).noneMatch(d -> d.ruleId().equals("NP305"));
    assertThat(report.skipped()).noneMatch(s -> s.ruleId().equals("NP305"));
  }
}
