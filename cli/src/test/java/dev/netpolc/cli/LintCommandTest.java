package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netpolc lint}: exit codes, options, input errors, determinism. */
class LintCommandTest {
  private static final String CLEAN = String.join("\n",
      "apiVersion: networking.k8s.io/v1",
      "kind: NetworkPolicy",
      "metadata: {name: deny, namespace: shop}",
      "spec:",
      "  podSelector: {}",
      "");
  private static final String HOST_BITS = String.join("\n",
      "apiVersion: networking.k8s.io/v1",
      "kind: NetworkPolicy",
      "metadata: {name: hosts, namespace: shop}",
      "spec:",
      "  podSelector: {}",
      "  ingress:",
      "  - from:",
      "    - ipBlock: {cidr: 10.0.0.1/8}",
      "");
  private static final String BAD_PORT = String.join("\n",
      "apiVersion: networking.k8s.io/v1",
      "kind: NetworkPolicy",
      "metadata: {name: ports, namespace: shop}",
      "spec:",
      "  podSelector: {}",
      "  ingress:",
      "  - ports:",
      "    - port: 0",
      "");

  private static final String CALICO = String.join("\n",
      "apiVersion: projectcalico.org/v3",
      "kind: Tier",
      "metadata: {name: security}",
      "spec: {order: 100}",
      "---",
      "apiVersion: projectcalico.org/v3",
      "kind: GlobalNetworkPolicy",
      "metadata: {name: securty.guard}",
      "spec:",
      "  tier: securty",
      "  ingress:",
      "  - action: Deny",
      "  - action: Allow",
      "");

  @TempDir
  Path dir;

  /** The outcome of one run. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private String file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p.toString();
  }

  @Test
  void cleanInputExitsZeroWithASummary() throws IOException {
    Run r = run("lint", file("clean.yaml", CLEAN));
    assertThat(r.code()).isEqualTo(Main.EXIT_OK);
    assertThat(r.out()).endsWith("0 errors, 0 warnings, 0 info\n")
        .contains("skipped NP201, NP202, NP205, NP206, NP207, NP211, NP256, NP258, NP259, NP266, NP268: needs Namespace or Pod objects in the input");
  }

  @Test
  void errorsExitOneAndPointAtLineAndColumn() throws IOException {
    String f = file("port.yaml", BAD_PORT);
    Run r = run("lint", f);
    assertThat(r.code()).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(r.out()).startsWith(f + ":8:13: error[NP108]: spec.ingress[0].ports[0].port: ");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void failOnDecidesWhichSeverityFails() throws IOException {
    String f = file("hosts.yaml", HOST_BITS);
    assertThat(run("lint", f).code()).isEqualTo(Main.EXIT_OK);
    assertThat(run("lint", "--fail-on", "warning", f).code()).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(run("lint", "--fail-on", "info", f).code()).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(run("lint", "--fail-on", "info", "--rule", "NP214=off", f).out()).contains("0 warnings");
    assertThat(run("lint", "--rule", "NP2xx=error", f).code()).isEqualTo(Main.EXIT_FINDINGS);
  }

  @Test
  void strictCidrMakesIrregularCidrsErrors() throws IOException {
    String f = file("hosts.yaml", HOST_BITS);
    Run r = run("lint", "--strict-cidr", f);
    assertThat(r.code()).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(r.out()).contains(":8:23: error[NP101]: ");
  }

  @Test
  void badArgumentsExitTwoWithoutAStackTrace() throws IOException {
    String f = file("clean.yaml", CLEAN);
    for (String[] args : List.of(new String[] {"lint", "--rule", "NP214", f},
        new String[] {"lint", "--rule", "NP214=loud", f}, new String[] {"lint", "--rule", "XY1=off", f}, new String[] {"lint", "--rule", "NP999=off", f},
        new String[] {"lint", "--fail-on", "never", f}, new String[] {"lint", "--format", "xml", f},
        new String[] {"lint"})) {
      Run r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("netpolc: ").doesNotContain("\tat ");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void unreadableInputExitsTwoWithTheErrorsInTheChosenFormatAndNoFindings() throws IOException {
    String missing = dir.resolve("missing.yaml").toString();
    String good = file("port.yaml", BAD_PORT);
    Run text = run("lint", good, missing);
    assertThat(text.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(text.out()).contains("missing.yaml").contains("error[NP010]").doesNotContain("NP108");

    Run json = run("lint", "--format", "json", good, missing);
    assertThat(json.code()).isEqualTo(Main.EXIT_USAGE);
    JsonNode root = new ObjectMapper().readTree(json.out());
    assertThat(root.get("findings")).hasSize(1);
    assertThat(root.get("findings").get(0).get("id").asText()).isEqualTo("NP010");

    String broken = file("broken.yaml", "kind: NetworkPolicy\nspec: [unclosed\n");
    Run syntax = run("lint", "--format", "github", broken);
    assertThat(syntax.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(syntax.out()).startsWith("::error file=").contains("title=NP001");
  }

  @Test
  void readsStandardInput() {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream(BAD_PORT.getBytes(StandardCharsets.UTF_8)));
      Run r = run("lint", "-");
      assertThat(r.code()).isEqualTo(Main.EXIT_FINDINGS);
      assertThat(r.out()).startsWith("<stdin>:8:13: error[NP108]");
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void outputIsByteIdenticalAcrossRunsAndArgumentOrder() throws IOException {
    String a = file("a.yaml", BAD_PORT);
    String b = file("b.yaml", HOST_BITS);
    for (String format : List.of("text", "json", "sarif", "github")) {
      List<String> outs = new ArrayList<>();
      outs.add(run("lint", "--format", format, a, b).out());
      outs.add(run("lint", "--format", format, a, b).out());
      outs.add(run("lint", "--format", format, b, a).out());
      assertThat(outs).as(format).containsOnly(outs.get(0));
      assertThat(outs.get(0)).as(format).contains("NP108").contains("NP214");
    }
  }

  @Test
  void calicoFindingsCarryTheirPositionsAndRelatedLocationsInEveryFormat() throws IOException {
    String f = file("calico.yaml", CALICO);
    Run text = run("lint", "--fail-on", "warning", f);
    assertThat(text.code()).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(text.out())
        .contains(f + ":10:9: warning[NP260]: spec.tier: tier \"securty\" is defined by no Tier object")
        .contains("did you mean \"security\"?")
        .contains("  " + f + ":3:18: note: Tier security\n")
        .contains(f + ":13:5: warning[NP262]: spec.ingress[1]: never evaluated: spec.ingress[0] before it")
        .contains("  " + f + ":12:5: note: the unconditional Deny rule\n");

    JsonNode sarif = new ObjectMapper().readTree(run("lint", "--format", "sarif", f).out());
    JsonNode results = sarif.get("runs").get(0).get("results");
    JsonNode np262 = null;
    for (JsonNode r : results) {
      if (r.get("ruleId").asText().equals("NP262")) {
        np262 = r;
      }
    }
    assertThat(np262).isNotNull();
    JsonNode region = np262.get("locations").get(0).get("physicalLocation").get("region");
    assertThat(region.get("startLine").asInt()).isEqualTo(13);
    assertThat(region.get("startColumn").asInt()).isEqualTo(5);
    assertThat(np262.get("relatedLocations").get(0).get("physicalLocation").get("region").get("startLine").asInt())
        .isEqualTo(12);
  }
}
