package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP257: the fixture marks every expected finding by line and column, and nothing else is reported. */
class DomainNamesUndecidableTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np257-domain-names-undecidable.yaml", "NP257");
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
    assertThat(found).extracting(Diagnostic::severity).containsOnly(dev.netpolc.model.diagnostics.Severity.INFO);
    assertThat(found.get(0).message()).contains("domainNames=match-nothing");
  }
}
