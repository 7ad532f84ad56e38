package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.validation.ValidationOptions;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The engine: severities, groups, suppressions, skipped rules, ordering. */
class LinterTest {

  @Test
  void irregularCidrsAreMarkedWarnings() {
    List<Diagnostic> found = LintFixtures.assertMarked("np214-irregular-cidr.yaml", "NP214");
    assertThat(found).extracting(Diagnostic::severity).containsOnly(Severity.WARNING);
  }

  @Test
  void strictCidrTurnsTheWarningsIntoNp101Errors() {
    LintConfig strict = LintConfig.DEFAULT.withValidation(new ValidationOptions(true));
    LintReport report = new Linter(strict).lint(LintFixtures.read("np214-irregular-cidr.yaml"));
    assertThat(report.findings()).extracting(d -> d.ruleId() + " " + d.severity() + " " + d.position().line())
        .containsExactly("NP101 ERROR 9", "NP101 ERROR 12", "NP101 ERROR 14");
  }

  @Test
  void inlineSuppressionAppliesToItsObjectOnly() {
    LintFixtures.assertMarked("suppression.yaml", "NP214");
  }

  @Test
  void inlineSuppressionAppliesToClusterPolicyValidationFindings() {
    String policy = String.join("\n", "apiVersion: policy.networking.k8s.io/v1alpha2", "kind: ClusterNetworkPolicy",
        "metadata: {name: p}", "spec: {tier: admin, priority: 1, subject: {namespaces: {}}}", "");
    Cluster plain = new dev.netpolc.model.yaml.PolicyReader().readString("p.yaml", policy).cluster();
    assertThat(new Linter(LintConfig.DEFAULT).lint(plain).findings()).extracting(Diagnostic::ruleId)
        .containsExactly("NP151");
    for (String comment : List.of("# netpolc: disable=NP151", "# netpolc: disable=NP1xx", "# netpolc: disable=all")) {
      Cluster suppressed = new dev.netpolc.model.yaml.PolicyReader().readString("p.yaml", comment + "\n" + policy)
          .cluster();
      assertThat(new Linter(LintConfig.DEFAULT).lint(suppressed).findings()).as(comment).isEmpty();
    }
  }

  @Test
  void overridesChangeSeverityAndIdsWinOverGroups() {
    Cluster c = LintFixtures.read("np214-irregular-cidr.yaml");
    assertThat(severities(new Linter(LintConfig.DEFAULT.withRule("NP214=error")).lint(c)))
        .containsOnly(Severity.ERROR).hasSize(3);
    assertThat(new Linter(LintConfig.DEFAULT.withRule("np2xx=off")).lint(c).findings()).isEmpty();
    assertThat(severities(new Linter(LintConfig.DEFAULT.withRule("NP2xx=off").withRule("NP214=info")).lint(c)))
        .containsOnly(Severity.INFO).hasSize(3);
  }

  @Test
  void inventoryRulesAreSkippedWithAReasonWhenThereIsNoInventory() {
    LintReport report =
        new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np208-named-port-with-ipblock.yaml"));
    assertThat(report.skipped()).extracting(LintReport.Skipped::ruleId)
        .containsExactly("NP201", "NP202", "NP205", "NP206", "NP207", "NP211", "NP256", "NP266", "NP268");
    assertThat(report.skipped()).extracting(LintReport.Skipped::reason).containsOnly(Linter.NO_INVENTORY);
    assertThat(report.findings()).extracting(Diagnostic::ruleId).containsExactly("NP208");
    // a rule turned off is not reported as skipped either
    assertThat(new Linter(LintConfig.DEFAULT.withRule("NP201=off")).lint(Cluster.EMPTY).skipped())
        .extracting(LintReport.Skipped::ruleId).doesNotContain("NP201").contains("NP202");
  }

  @Test
  void findingsAreSortedByFileLineColumnAndId() {
    Cluster a = LintFixtures.read("np214-irregular-cidr.yaml");
    Cluster b = LintFixtures.read("np208-named-port-with-ipblock.yaml");
    LintReport report = new Linter(LintConfig.DEFAULT).lint(a.plus(b));
    List<String> files = report.findings().stream().map(d -> d.position().file()).collect(Collectors.toList());
    assertThat(files).isSortedAccordingTo(String::compareTo);
    assertThat(report.findings()).isSortedAccordingTo(LintReport.ORDER);
    assertThat(new Linter(LintConfig.DEFAULT).lint(b.plus(a)).findings()).isEqualTo(report.findings());
  }

  @Test
  void countsAndThresholds() {
    LintReport report =
        new Linter(LintConfig.DEFAULT).lint(LintFixtures.read("np214-irregular-cidr.yaml"));
    assertThat(report.count(Severity.WARNING)).isEqualTo(3);
    assertThat(report.counts()).containsEntry(Severity.ERROR, 0).containsEntry(Severity.INFO, 0);
    assertThat(report.failsAt(Severity.ERROR)).isFalse();
    assertThat(report.failsAt(Severity.WARNING)).isTrue();
    assertThat(report.failsAt(Severity.INFO)).isTrue();
  }

  @Test
  void badRuleSettingsAreRejectedWithAMessage() {
    assertThatThrownBy(() -> LintConfig.DEFAULT.withRule("NP214")).hasMessageContaining("ID=SEVERITY");
    assertThatThrownBy(() -> LintConfig.DEFAULT.withRule("X1=off")).hasMessageContaining("no rule id");
    assertThatThrownBy(() -> LintConfig.DEFAULT.withRule("NP214=loud")).hasMessageContaining("unknown severity");
    assertThat(LintConfig.DEFAULT.withRule("np2XX = Warning").override("NP299")).contains(Severity.WARNING);
    // Found by LintSettingsFuzzTest: the setting was quoted with its control characters raw.
    assertThatThrownBy(() -> LintConfig.DEFAULT.withRule("NP9\0\u001b[2J=off")).hasMessage(
        "'NP9??[2J' is no rule id (NP206) or group (NP2xx)");
    assertThatThrownBy(() -> LintConfig.DEFAULT.withRule("NP214=lo\u001bud")).hasMessageStartingWith(
        "unknown severity 'lo?ud'");
    assertThatThrownBy(() -> LintConfig.DEFAULT.withRule("\r")).hasMessageContaining("got '?'");
  }

  @Test
  void everyRegisteredRuleHasADistinctIdAndASummary() {
    List<String> ids = LintRules.all().stream().map(LintRule::id).collect(Collectors.toList());
    assertThat(ids).doesNotHaveDuplicates().isSorted().allMatch(id -> id.matches("NP[0-9]{3}"));
    assertThat(LintRules.all()).allSatisfy(r -> assertThat(r.summary()).isNotBlank());
  }

  @Test
  void everyRegisteredRuleIsInTheCatalogueTableAndHasASection() throws java.io.IOException {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "lint-rules.md"));
    assertThat(LintRules.all()).allSatisfy(r -> {
      assertThat(doc).contains("| [" + r.id() + "](#" + r.id().toLowerCase(java.util.Locale.ROOT) + ") |");
      assertThat(doc).contains("\n## " + r.id() + "\n");
    });
  }

  private static List<Severity> severities(LintReport r) {
    return r.findings().stream().map(Diagnostic::severity).collect(Collectors.toList());
  }
}
