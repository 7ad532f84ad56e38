package dev.netpolc.compiler.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.LintRule;
import dev.netpolc.model.lint.LintRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The full catalogue: every model rule plus the compiler's, in id order, each id once. */
class CompilerLintRulesTest {
  @Test
  void holdsTheModelRulesAndTheCompilerRulesInIdOrder() {
    List<String> ids = CompilerLintRules.all().stream().map(LintRule::id).toList();
    assertThat(ids).isSorted().doesNotHaveDuplicates()
        .containsAll(LintRules.all().stream().map(LintRule::id).toList())
        .contains("NP203", "NP204", "NP209", "NP258", "NP259");
    assertThat(ids).hasSize(LintRules.all().size() + 5);
  }

  @Test
  void compilerRuleIdsAreAcceptedInSettings() {
    assertThat(LintConfig.DEFAULT.withRule("NP203=error").override("NP203")).isPresent();
  }
}
