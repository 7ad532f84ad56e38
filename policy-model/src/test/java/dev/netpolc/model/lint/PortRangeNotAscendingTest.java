package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP252: the fixture marks every expected finding by line and column, and nothing else is reported. */
class PortRangeNotAscendingTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np252-port-range-not-ascending.yaml", "NP252");
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
    assertThat(found).extracting(Diagnostic::path).containsExactly("spec.ingress[0].ports[1].portRange",
        "spec.ingress[0].ports[2].portRange", "spec.egress[0].ports[1].portRange");
    assertThat(found.get(0).message()).contains("matches no port");
    assertThat(found.get(1).message()).contains("one port");
  }
}
