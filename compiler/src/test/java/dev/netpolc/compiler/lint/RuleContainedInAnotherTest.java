package dev.netpolc.compiler.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP203: the fixture marks every contained rule; messages name the container, related locations point at it. */
class RuleContainedInAnotherTest {
  private static final String FIXTURE = "np203-rule-contained-in-another.yaml";

  @Test
  void reportsExactlyTheMarkedRules() {
    CompilerLintFixtures.assertMarked(FIXTURE, "NP203");
  }

  @Test
  void namesTheContainingRuleAndPointsAtIt() {
    List<Diagnostic> found = CompilerLintFixtures.assertMarked(FIXTURE, "NP203");
    Diagnostic first = found.get(0);
    assertThat(first.path()).isEqualTo("spec.ingress[0]");
    assertThat(first.message()).contains("contained in shop/web ingress[1]").contains("all 2 pods");
    assertThat(first.related()).singleElement().satisfies(r -> {
      assertThat(r.position().line()).isEqualTo(36);
      assertThat(r.message()).isEqualTo("contains it: shop/web ingress[1]");
    });
    // a duplicate is reported once: the later rule, as contained in the earlier one
    assertThat(found.get(1).message()).contains("contained in shop/web ingress[2]");
    assertThat(found.get(2).message()).contains("contained in shop/metrics ingress[0]");
    assertThat(found.get(3).message()).contains("contained in shop/api egress[1]").contains("the 1 pod");
  }

  @Test
  void withoutInventoryReportsWhatHoldsForEveryPodSet() {
    List<Diagnostic> found = CompilerLintFixtures.assertMarked("np203-without-inventory.yaml", "NP203");
    assertThat(found).extracting(Diagnostic::message).allSatisfy(m -> assertThat(m).contains("for every pod"));
    assertThat(found.get(2).message()).contains("contained in shop/web ingress[1]");
    assertThat(found.get(3).message()).contains("contained in shop/metrics ingress[0]");
  }
}
