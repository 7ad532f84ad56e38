package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.validation.AcceptanceGate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NP163: a named port beside an address peer is a warning that does not stop a compile, since
 * only the experimental channel's CRD refuses it (the standard API server accepts it).
 */
class NamedPortWithAddressPeerTest {
  @Test
  void warnsOnTheMarkedRuleAndDoesNotBlock() {
    List<Diagnostic> found = LintFixtures.assertMarked("np163-named-port-with-address-peer.yaml", "NP163");
    assertThat(found).allSatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Severity.WARNING);
      assertThat(AcceptanceGate.blocks(d)).isFalse();
      assertThat(d.message()).contains("matches only pods");
    });
    assertThat(AcceptanceGate.DEFAULT.check(LintFixtures.read("np163-named-port-with-address-peer.yaml")).accepted())
        .isTrue();
  }
}
