package dev.netpolc.compiler.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.LintReport;
import dev.netpolc.model.lint.Linter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole catalogue, opt-in rules included, over a generated cluster of 5,000 pods and 500
 * policies: the same findings on every run, and every NP203 finding points at its container.
 * Nothing here is timed.
 */
class LargeClusterLintTest {
  @Test
  void findingsAreDeterministicAndContainmentNamesItsContainer() {
    Cluster cluster = LargeClusterGen.generate(42, 5_000, 500);
    Linter linter = new Linter(LintConfig.DEFAULT.withRule("NP2xx=warning").withRule("NP3xx=info"),
        CompilerLintRules.all());
    LintReport first = linter.lint(cluster);
    assertThat(linter.lint(cluster).findings()).isEqualTo(first.findings());
    List<Diagnostic> contained = first.findings().stream().filter(d -> d.ruleId().equals("NP203")).toList();
    assertThat(contained).isNotEmpty().allSatisfy(d -> {
      assertThat(d.related()).isNotEmpty();
      assertThat(d.message()).contains(d.related().get(0).message().substring("contains it: ".length()));
    });
  }
}
