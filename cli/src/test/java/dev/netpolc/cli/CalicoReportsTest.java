package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.cli.ExplainCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code explain}, {@code matrix} and {@code diff --staged} on the tiered Calico example: an ICMP
 * echo request told apart from an ICMP error ({@code --icmp-type}, {@code --icmp-code}), each
 * Calico tier walked down to the one that decided, the matrix report naming the Calico tier,
 * policy and rule of each cell, and the staged policy's preview.
 */
class CalicoReportsTest {
  static Path calicoExample() {
    String root = System.getenv("NETPOLC_TEST_ROOT");
    return (root != null ? Path.of(root) : Path.of("..")).resolve("examples").resolve("calico");
  }

  private static Run explain(String... args) {
    List<String> argv = new ArrayList<>(List.of("explain", "--from", "monitoring/prometheus", "--to", "shop/frontend"));
    argv.addAll(List.of(args));
    argv.add(calicoExample().toString());
    return ExplainCommandTest.run(argv.toArray(new String[0]));
  }

  @Test
  void anEchoRequestIsAllowedAndAnIcmpErrorDenied() {
    Run echo = explain("--protocol", "icmp", "--icmp-type", "8");
    assertThat(echo.rc()).as(echo.err()).isZero();
    assertThat(echo.out()).startsWith("monitoring/prometheus (198.18.1.30) -> shop/frontend (198.18.1.10)"
        + " ICMP type 8 code 0: ALLOWED\n")
        .contains("ingress of shop/frontend: allowed by Calico tier platform\n")
        .contains("  tier security: ").contains("passed to the next tier by GlobalNetworkPolicy/security.pass-rest")
        .contains("allowed by GlobalNetworkPolicy/platform.monitoring spec.ingress[1] (Allow) at ")
        .doesNotContain("nearest change");

    Run error = explain("--protocol", "icmp", "--icmp-type", "3", "--icmp-code", "1");
    assertThat(error.rc()).as(error.err()).isZero();
    assertThat(error.out()).contains("ICMP type 3 code 1: DENIED")
        .contains("denied by GlobalNetworkPolicy/platform.app-isolation spec.ingress[1] (Deny)")
        .contains("nearest change that would allow it:\n  - denied by the Deny rule "
            + "GlobalNetworkPolicy/platform.app-isolation spec.ingress[1] in Calico tier platform");
    // The echo reply (type 0) is no echo request: denied too.
    assertThat(explain("--protocol", "icmp", "--icmp-type", "0").out()).contains("ICMP: DENIED");
  }

  @Test
  void theJsonReportNamesTheIcmpMessageAndEachCalicoTier() throws IOException {
    Run r = explain("--protocol", "icmp", "--icmp-type", "8", "--format", "json");
    assertThat(r.rc()).as(r.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.get("allowed").asBoolean()).isTrue();
    assertThat(root.at("/connection/protocol").asText()).isEqualTo("ICMP");
    assertThat(root.at("/connection/icmpType").asInt()).isEqualTo(8);
    assertThat(root.at("/connection/icmpCode").asInt()).isZero();
    assertThat(root.at("/connection/port").isNull()).isTrue();
    JsonNode ingress = root.get("ingress");
    assertThat(ingress.get("decidedBy").asText()).isEqualTo("calico");
    JsonNode tiers = ingress.get("calicoTiers");
    assertThat(tiers).hasSize(2);
    assertThat(tiers.get(0).get("tier").asText()).isEqualTo("security");
    assertThat(tiers.get(0).get("outcome").asText()).isEqualTo("pass");
    assertThat(tiers.get(1).get("tier").asText()).isEqualTo("platform");
    assertThat(tiers.get(1).get("outcome").asText()).isEqualTo("allow");
    assertThat(tiers.get(1).at("/matched/policy").asText()).isEqualTo("GlobalNetworkPolicy/platform.monitoring");
    assertThat(tiers.get(1).at("/matched/rule").asText()).isEqualTo("spec.ingress[1]");
    assertThat(tiers.get(1).at("/matched/position/line").asInt()).isPositive();
    // The egress side passed every tier: Calico's profile allowed it.
    JsonNode egress = root.get("egress").get("calicoTiers");
    assertThat(egress.get(egress.size() - 1).get("outcome").asText()).isEqualTo("default-pass");
  }

  @Test
  void aLogRuleIsShownOnTheWayToTheDeny() {
    Run r = ExplainCommandTest.run("explain", "--from", "shop/frontend", "--to", "198.51.100.9", "--port", "443",
        calicoExample().toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("TCP/443: DENIED")
        .contains("logged by GlobalNetworkPolicy/security.threat-feed spec.egress[0] (Log)")
        .contains("denied by GlobalNetworkPolicy/security.threat-feed spec.egress[1] (Deny)");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = ';', value = {
      "--protocol icmp --icmp-code 1; --icmp-code needs --icmp-type",
      "--port 80 --icmp-type 8; apply to --protocol icmp or icmpv6 only",
      "--protocol 47 --icmp-type 8; apply to --protocol icmp or icmpv6 only",
      "--protocol icmp --icmp-type 256; --icmp-type 256 is not in 0-255",
      "--protocol icmp --icmp-type -1; --icmp-type -1 is not in 0-255",
      "--protocol icmpv6 --icmp-type 128 --icmp-code 300; --icmp-code 300 is not in 0-255",
  })
  void badIcmpArgumentsExitTwoWithoutOutput(String args, String message) {
    Run r = explain(args.trim().split("\\s+"));
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(message).doesNotContain("Exception");
  }

  @Test
  void theMatrixReportAttributesCellsToCalicoTiers() {
    Run r = ExplainCommandTest.run("matrix", "--format", "html", "--port", "9090", calicoExample().toString());
    assertThat(r.rc()).as(r.err()).isZero();
    String data = MatrixHtmlReportTest.dataBlock(r.out());
    // Prometheus scrapes metrics: allowed by the platform tier's rule, named with its tier.
    assertThat(data).contains("\"tier\": \"calico\"").contains("\"GlobalNetworkPolicy/platform.monitoring\"")
        .contains("\"platform\"").contains("\"calicoTier\": ")
        .contains("\"action\": \"Allow\"").contains("\"action\": \"Deny\"");
    assertThat(r.out()).contains("'calico', 'Calico tier'");
  }

  @Test
  void diffStagedPreviewsTheStagedPolicy() {
    Run r = ExplainCommandTest.run("diff", "--staged", calicoExample().toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("""
        netpolc diff: 1 group newly allowed (1 pod pair), 1 group newly denied (1 pod pair)
        newly allowed:
          reports (all 1 pod) -> shop/db: TCP 5432
        newly denied:
          shop/backend -> shop/db: TCP 1-5431, 5433-65535
        """);
    Run withNew = ExplainCommandTest.run("diff", "--staged", calicoExample().toString(), calicoExample().toString());
    assertThat(withNew.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(withNew.err()).contains("give OLD only");
  }

  @Test
  void diffStagedWithoutStagedPoliciesSaysSoAndChangesNothing(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in.yaml");
    Files.writeString(input, Files.readString(calicoExample().resolve("cluster.yaml")));
    Run r = ExplainCommandTest.run("diff", "--staged", input.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("no staged policy to preview");
    assertThat(r.out()).contains("no connection between pods changes");
  }

  @Test
  void aStagedDeleteRemovesTheEnforcedPolicy(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in");
    for (String f : List.of("cluster.yaml", "security/tiers.yaml", "security/guard-rails.yaml",
        "security/threat-feed.yaml", "platform/platform.yaml", "apps/shop.yaml", "apps/reports.yaml")) {
      Path to = input.resolve(f);
      Files.createDirectories(to.getParent());
      Files.writeString(to, Files.readString(calicoExample().resolve(f)));
    }
    Files.writeString(input.resolve("apps/delete.yaml"), """
        apiVersion: projectcalico.org/v3
        kind: StagedNetworkPolicy
        metadata: {name: frontend, namespace: shop}
        spec:
          stagedAction: Delete
          selector: app == 'frontend'
        """);
    Run r = ExplainCommandTest.run("diff", "--staged", input.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    // Without its policy the frontend has none in the default tier: Calico's profile allows what
    // the security and platform tiers pass (its egress, and ingress from the app namespaces).
    assertThat(r.out()).contains("newly allowed:\n").contains("shop/frontend -> ")
        .contains("-> shop/frontend: ").doesNotContain("newly denied:");
  }
}
