package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP253: the fixture marks every expected finding by line and column, and nothing else is reported. */
class UnknownPortProtocolTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np253-unknown-port-protocol.yaml", "NP253");
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
    assertThat(found).extracting(Diagnostic::path).containsExactly("spec.ingress[0].ports[0].portNumber.protocol",
        "spec.ingress[0].ports[1].portRange.protocol");
  }
}
