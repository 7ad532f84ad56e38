package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP302: the fixture marks every expected finding by line and column, and nothing else is reported. */
class PolicyTypesOmittedTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np302-policy-types-omitted.yaml", "NP302",
        LintConfig.DEFAULT.withRule("NP302=info"));
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
  }

  @Test
  void isOffUnlessAskedFor() {
    LintReport report =
        new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np302-policy-types-omitted.yaml"));
    assertThat(report.findings()).noneMatch(d -> d.ruleId().equals("NP302"));
    assertThat(report.skipped()).noneMatch(s -> s.ruleId().equals("NP302"));
  }
}
