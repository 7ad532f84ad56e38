package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP256: the fixture marks every expected finding by line and column, and nothing else is reported. */
class TieredSelectorSelectsNothingTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np256-tiered-selector-selects-nothing.yaml", "NP256");
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
    assertThat(found.get(0).message()).contains("matches no namespace").contains("applies to no pod");
    assertThat(found.get(2).message()).contains("have no running pod");
    assertThat(new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np257-domain-names-undecidable.yaml"))
        .skipped()).extracting(LintReport.Skipped::ruleId).contains("NP256");
  }
}
