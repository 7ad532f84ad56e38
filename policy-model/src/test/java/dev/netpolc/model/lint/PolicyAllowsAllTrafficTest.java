package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP212: the fixture marks every expected finding by line and column, and nothing else is reported. */
class PolicyAllowsAllTrafficTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np212-policy-allows-all-traffic.yaml", "NP212");
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
  }
}
