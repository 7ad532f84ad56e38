package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP301: the fixture marks every expected finding by line and column, and nothing else is reported. */
class PortWithoutProtocolTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np301-port-without-protocol.yaml", "NP301",
        LintConfig.DEFAULT.withRule("NP3xx=info"));
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
  }

  @Test
  void isOffUnlessAskedFor() {
    LintReport report =
        new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np301-port-without-protocol.yaml"));
    assertThat(report.findings()).noneMatch(d -> d.ruleId().equals("NP301"));
    assertThat(report.skipped()).noneMatch(s -> s.ruleId().equals("NP301"));
  }
}
