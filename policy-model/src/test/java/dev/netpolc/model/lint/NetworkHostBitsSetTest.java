package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP254: the fixture marks every expected finding by line and column, and nothing else is reported. */
class NetworkHostBitsSetTest {
  @Test
  void reportsExactlyTheMarkedLines() {
    List<Diagnostic> found = LintFixtures.assertMarked("np254-network-host-bits.yaml", "NP254");
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith(d.path() + ": "));
    assertThat(found.get(0).message()).contains("it means 10.1.0.0/16");
    assertThat(found.get(1).message()).contains("it means fd00::/64");
    // the second policy carries # netpolc: disable=NP254, and 10.0.0.1/33 is NP158 (an error), not this
  }
}
