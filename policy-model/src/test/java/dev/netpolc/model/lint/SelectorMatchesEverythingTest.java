package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP304: the fixture marks every expected finding by line and column, and nothing else is reported. */
class SelectorMatchesEverythingTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np304-selector-matches-everything.yaml", "NP304",
        LintConfig.DEFAULT.withRule("NP304=info"));
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
  }

  @Test
  void isOffUnlessAskedFor() {
    LintReport report =
        new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np304-selector-matches-everything.yaml"));
    assertThat(report.findings()).noneMatch(d -> d.ruleId().equals("NP304"));
    assertThat(report.skipped()).noneMatch(s -> s.ruleId().equals("NP304"));
  }
}
