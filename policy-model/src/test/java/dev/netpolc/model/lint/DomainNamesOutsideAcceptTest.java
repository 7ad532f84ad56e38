package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP251: the fixture marks every expected finding by line and column, and nothing else is reported. */
class DomainNamesOutsideAcceptTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np251-domain-names-outside-accept.yaml", "NP251");
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
    assertThat(found.get(0).message()).contains("Deny rule").endsWith("(cnp:names)");
    assertThat(found.get(2).message()).endsWith("(anp:legacy-names)");
  }
}
