package dev.netpolc.compiler.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP258 and NP259: the fixtures mark every expected finding, and nothing else is reported. */
class TieredLintRulesTest {
  @Test
  void np258UnreachableTieredRules() {
    List<Diagnostic> found = CompilerLintFixtures.assertMarked("np258-unreachable-tiered-rule.yaml", "NP258");
    assertThat(found.get(0).message()).contains("cnp:guard ingress[0]");
    assertThat(found).allSatisfy(d -> assertThat(d.related()).isNotEmpty());
  }

  @Test
  void np259BaselinePolicyShadowedByNetworkPolicies() {
    List<Diagnostic> found = CompilerLintFixtures.assertMarked("np259-shadowed-baseline-policy.yaml", "NP259");
    assertThat(found).singleElement().satisfies(d -> assertThat(d.message()).contains("cnp:shadowed")
        .contains("egress and ingress"));
  }
}
