package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP303: the fixture marks every expected finding by line and column, and nothing else is reported. */
class SplitPeerSelectorsTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np303-split-peer-selectors.yaml", "NP303",
        LintConfig.DEFAULT.withRule("NP303=warning"));
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
  }

  @Test
  void isOffUnlessAskedFor() {
    LintReport report =
        new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np303-split-peer-selectors.yaml"));
    assertThat(report.findings()).noneMatch(d -> d.ruleId().equals("NP303"));
    assertThat(report.skipped()).noneMatch(s -> s.ruleId().equals("NP303"));
  }
}
