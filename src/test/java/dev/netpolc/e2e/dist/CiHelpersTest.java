package dev.netpolc.e2e.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.netpolc.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CI helpers people copy, {@code .pre-commit-hooks.yaml} and
 * {@code examples/ci/netpolc-lint.yml}: their {@code netpolc lint} command lines run through the
 * real CLI on the examples, so that a renamed option or format fails here rather than in a
 * user's CI.
 */
class CiHelpersTest {

  private static final Path ROOT = Path.of(System.getenv().getOrDefault("NETPOLC_TEST_ROOT", "../.."));
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void preCommitHookLintsPolicyFilesWithTheRealCli() throws Exception {
    JsonNode hooks = YAML.readTree(ROOT.resolve(".pre-commit-hooks.yaml").toFile());
    assertThat(hooks.isArray()).isTrue();
    JsonNode hook = hooks.get(0);
    assertThat(hook.get("id").asText()).isEqualTo("netpolc-lint");
    assertThat(hook.get("language").asText()).isEqualTo("system");
    Pattern files = Pattern.compile(hook.get("files").asText());
    assertThat(List.of("deploy/np.yaml", "a.yml", "list.json")).allMatch(f -> files.matcher(f).find());
    assertThat(List.of("README.md", "yaml.txt", "x.yaml.orig")).noneMatch(f -> files.matcher(f).find());

    // pre-commit appends the staged file names to the entry.
    List<String> entry = Arrays.asList(hook.get("entry").asText().split(" "));
    assertThat(entry.get(0)).isEqualTo("netpolc");
    List<String> clean = new ArrayList<>(entry.subList(1, entry.size()));
    clean.add(ROOT.resolve("examples/demo/policies/backend.yaml").toString());
    assertThat(run(clean)).isEqualTo(Main.EXIT_OK);
    List<String> broken = new ArrayList<>(entry.subList(1, entry.size()));
    broken.add(ROOT.resolve("examples/lint/mistakes.yaml").toString());
    assertThat(run(broken)).isEqualTo(Main.EXIT_FINDINGS);
  }

  @Test
  void workflowLintsToSarifAndUploadsIt() throws Exception {
    JsonNode workflow = YAML.readTree(ROOT.resolve("examples/ci/netpolc-lint.yml").toFile());
    assertThat(workflow.at("/permissions/security-events").asText()).isEqualTo("write");
    JsonNode steps = workflow.at("/jobs/lint/steps");
    String lint = null;
    String sarifFile = null;
    for (JsonNode step : steps) {
      if (step.path("id").asText().equals("lint")) {
        lint = step.get("run").asText().strip();
      }
      if (step.path("uses").asText().startsWith("github/codeql-action/upload-sarif@")) {
        sarifFile = step.at("/with/sarif_file").asText();
        assertThat(step.path("if").asText()).as("uploaded even with findings").isEqualTo("always()");
      }
    }
    assertThat(lint).isNotNull();
    assertThat(sarifFile).isNotEmpty();
    // "netpolc lint ... $POLICY_PATHS > FILE": the options run through the CLI, the file is uploaded.
    String[] parts = lint.split(" > ");
    assertThat(parts).hasSize(2);
    assertThat(parts[1].strip()).isEqualTo(sarifFile);
    List<String> words = new ArrayList<>(Arrays.asList(parts[0].split(" ")));
    assertThat(words.subList(0, 2)).containsExactly("netpolc", "lint");
    assertThat(words.remove(words.size() - 1)).isEqualTo("$POLICY_PATHS");
    words.add(ROOT.resolve("examples/lint").toString());
    StringWriter out = new StringWriter();
    int rc = Main.execute(words.subList(1, words.size()).toArray(String[]::new), new PrintWriter(out), new PrintWriter(new StringWriter()));
    assertThat(rc).isEqualTo(Main.EXIT_FINDINGS);
    JsonNode sarif = new ObjectMapper().readTree(out.toString());
    assertThat(sarif.get("version").asText()).isEqualTo("2.1.0");
    assertThat(sarif.at("/runs/0/results")).isNotEmpty();
  }

  private static int run(List<String> args) {
    return Main.execute(args.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
  }
}
