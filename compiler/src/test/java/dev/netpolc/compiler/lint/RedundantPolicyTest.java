package dev.netpolc.compiler.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.Linter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NP204: redundant policies (the later of equal ones) and a set of policies that changes nothing. */
class RedundantPolicyTest {
  @Test
  void reportsTheMarkedRedundantPolicies() {
    List<Diagnostic> found = CompilerLintFixtures.assertMarked("np204-redundant-policy.yaml", "NP204");
    assertThat(found.get(0).message()).contains("allows nothing of its own");
    assertThat(found.get(1).message()).contains("contained in rules of other policies (shop/web ingress[0])");
    assertThat(found.get(1).related()).extracting(r -> r.position().line()).containsExactly(37);
  }

  @Test
  void reportsASetThatChangesNothingOnce() {
    List<Diagnostic> found = CompilerLintFixtures.assertMarked("np204-set-changes-nothing.yaml", "NP204");
    assertThat(found.get(0).message()).contains("the 2 policies together change nothing");
  }

  @Test
  void aSetThatRestrictsOneDirectionChangesSomething() {
    assertThat(new Linter(LintConfig.DEFAULT, CompilerLintRules.all())
        .lint(CompilerLintFixtures.read("np204-set-changes-something.yaml")).findings())
        .noneMatch(d -> d.ruleId().equals("NP204"));
  }

  @Test
  void withoutInventoryReportsWhatHoldsForEveryPodSet() {
    List<Diagnostic> found = CompilerLintFixtures.assertMarked("np204-without-inventory.yaml", "NP204");
    assertThat(found.get(0).message()).contains("(shop/allow ingress[0])");
  }
}
