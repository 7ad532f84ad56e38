package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP213: the fixture marks every expected finding by line and column, and nothing else is reported. */
class MissingDefaultDenyTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np213-missing-default-deny.yaml", "NP213",
        LintConfig.DEFAULT.withRule("NP213=warning"));
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
  }

  @Test
  void isOffUnlessAskedFor() {
    LintReport report =
        new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np213-missing-default-deny.yaml"));
    assertThat(report.findings()).noneMatch(d -> d.ruleId().equals("NP213"));
    assertThat(report.skipped()).noneMatch(s -> s.ruleId().equals("NP213"));
  }
}
