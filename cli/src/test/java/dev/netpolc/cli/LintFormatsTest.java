package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.cli.format.lint.LintFormat;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintReport;
import dev.netpolc.model.lint.LintRules;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The structure and escaping of the JSON, SARIF 2.1.0 and GitHub formats. */
class LintFormatsTest {
  private static final String NASTY = "bad \"value\"\n100% <b>\\ & ünïcode, a:b";
  private static final LintReport REPORT = new LintReport(List.of(
      new Diagnostic("NP105", Severity.ERROR, new SourcePosition("dir with space/we,ird:name%.yaml", 12, 7),
          "spec.podSelector.matchLabels", NASTY,
          List.of(new Diagnostic.Related(new SourcePosition("other.yaml", 3, 1), "first \"here\""))),
      new Diagnostic("NP201", Severity.WARNING, new SourcePosition("a.yaml", 2, 3), "spec.podSelector", "none",
          List.of()),
      new Diagnostic("NP010", Severity.ERROR, new SourcePosition("gone.yaml", 0, 0), "", "cannot read", List.of())),
      List.of(new LintReport.Skipped("NP211", "needs Namespace or Pod objects in the input")), LintRules.all());

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void sarifHasTheRequiredStructureOf210() throws IOException {
    JsonNode root = JSON.readTree(LintFormat.sarif.formatter().format(REPORT));
    assertThat(root.get("version").asText()).isEqualTo("2.1.0");
    assertThat(root.get("$schema").asText()).contains("sarif-2.1.0");
    assertThat(root.get("runs")).hasSize(1);
    JsonNode run = root.get("runs").get(0);
    JsonNode driver = run.get("tool").get("driver");
    assertThat(driver.get("name").asText()).isEqualTo("netpolc");
    JsonNode rules = driver.get("rules");
    for (JsonNode rule : rules) {
      assertThat(rule.get("id").asText()).matches("NP[0-9]{3}");
      assertThat(rule.get("shortDescription").get("text").asText()).isNotBlank();
      assertThat(rule.get("help").get("text").asText()).contains("lint-rules.md#" + rule.get("id").asText().toLowerCase());
      assertThat(rule.get("defaultConfiguration").get("level").asText()).isIn("error", "warning", "note", "none");
    }
    JsonNode results = run.get("results");
    assertThat(results).hasSize(3);
    for (JsonNode result : results) {
      String id = result.get("ruleId").asText();
      assertThat(rules.get(result.get("ruleIndex").asInt()).get("id").asText()).isEqualTo(id);
      assertThat(result.get("level").asText()).isIn("error", "warning", "note");
      assertThat(result.get("message").get("text").asText()).isNotEmpty();
      JsonNode physical = result.get("locations").get(0).get("physicalLocation");
      assertThat(physical.get("artifactLocation").get("uri").asText()).doesNotContain(" ");
    }
    JsonNode first = results.get(1); // sorted by file: a.yaml, dir with space/…, gone.yaml
    assertThat(first.get("message").get("text").asText()).isEqualTo(NASTY);
    JsonNode region = first.get("locations").get(0).get("physicalLocation").get("region");
    assertThat(region.get("startLine").asInt()).isEqualTo(12);
    assertThat(region.get("startColumn").asInt()).isEqualTo(7);
    assertThat(first.get("locations").get(0).get("physicalLocation").get("artifactLocation").get("uri").asText())
        .isEqualTo("dir%20with%20space/we,ird:name%25.yaml");
    assertThat(first.get("relatedLocations").get(0).get("message").get("text").asText()).isEqualTo("first \"here\"");
    // a finding without a known line has no region rather than an invalid line 0
    assertThat(results.get(2).get("ruleId").asText()).isEqualTo("NP010");
    assertThat(results.get(2).get("locations").get(0).get("physicalLocation").has("region")).isFalse();
    assertThat(run.get("invocations").get(0).get("executionSuccessful").asBoolean()).isTrue();
    assertThat(run.get("invocations").get(0).get("toolExecutionNotifications").get(0).get("descriptor").get("id")
        .asText()).isEqualTo("NP211");
  }

  @Test
  void jsonCarriesEveryFieldAndRoundTripsTheMessage() throws IOException {
    JsonNode root = JSON.readTree(LintFormat.json.formatter().format(REPORT));
    JsonNode f = root.get("findings").get(1);
    assertThat(List.of("id", "severity", "file", "line", "column", "path", "message", "related"))
        .allSatisfy(k -> assertThat(f.has(k)).as(k).isTrue());
    assertThat(f.get("message").asText()).isEqualTo(NASTY);
    assertThat(f.get("file").asText()).isEqualTo("dir with space/we,ird:name%.yaml");
    assertThat(f.get("related").get(0).get("line").asInt()).isEqualTo(3);
    assertThat(root.get("skipped").get(0).get("id").asText()).isEqualTo("NP211");
    assertThat(root.get("counts").get("error").asInt()).isEqualTo(2);
    assertThat(root.get("counts").get("warning").asInt()).isEqualTo(1);
    assertThat(root.get("counts").get("info").asInt()).isZero();
  }

  @Test
  void githubCommandsEscapeDataAndProperties() {
    String[] lines = LintFormat.github.formatter().format(REPORT).split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[1]).isEqualTo("::error file=dir with space/we%2Cird%3Aname%25.yaml,line=12,col=7,title=NP105"
        + "::bad \"value\"%0A100%25 <b>\\ & ünïcode, a:b");
    assertThat(lines[0]).isEqualTo("::warning file=a.yaml,line=2,col=3,title=NP201::none");
    assertThat(lines[2]).isEqualTo("::error file=gone.yaml,title=NP010::cannot read");
    assertThat(lines[3]).startsWith("::notice title=NP211::NP211 skipped: ");
  }

  @Test
  void textKeepsOneFindingPerLine() {
    String text = LintFormat.text.formatter().format(REPORT);
    assertThat(text).contains("dir with space/we,ird:name%.yaml:12:7: error[NP105]: bad \"value\"\\n100% ")
        .contains("\n  other.yaml:3:1: note: first \"here\"\n")
        .endsWith("skipped NP211: needs Namespace or Pod objects in the input\n2 errors, 1 warning, 0 info\n");
  }
}
