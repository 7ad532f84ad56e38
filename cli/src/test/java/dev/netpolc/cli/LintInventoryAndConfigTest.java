package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netpolc lint} with --cluster, --backend, --config and --dns-selector. */
class LintInventoryAndConfigTest {
  private static final String POLICIES = String.join("\n",
      "apiVersion: networking.k8s.io/v1",
      "kind: NetworkPolicy",
      "metadata: {name: web, namespace: shop}",
      "spec:",
      "  podSelector:",
      "    matchLabels: {app: wbe}",
      "  policyTypes: [Ingress, Egress]",
      "  ingress:",
      "  - ports:",
      "    - {protocol: SCTP, port: 3868}",
      "  egress:",
      "  - to:",
      "    - podSelector: {}",
      "",
      "");
  private static final String INVENTORY = String.join("\n",
      "apiVersion: v1",
      "kind: Pod",
      "metadata: {name: web-1, namespace: shop, labels: {app: web}}",
      "status: {podIP: 10.1.0.1}",
      "---",
      "apiVersion: v1",
      "kind: Pod",
      "metadata: {name: resolver, namespace: infra, labels: {app: resolver}}",
      "status: {podIP: 10.9.0.1}",
      "");

  @TempDir
  Path dir;

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
  void clusterFilesLendTheirInventoryToTheInventoryRules() throws IOException {
    String policies = file("policies.yaml", POLICIES);
    Run without = run("lint", policies);
    assertThat(without.out()).doesNotContain("[NP201]").contains("skipped NP201");
    Run with = run("lint", "--cluster", file("inventory.yaml", INVENTORY), policies);
    assertThat(with.out()).contains(policies + ":5:3: warning[NP201]").doesNotContain("skipped NP201");
    assertThat(with.code()).isEqualTo(Main.EXIT_OK);
  }

  @Test
  void clusterFilesAreIgnoredWhenTheInputsCarryTheirOwnInventory() throws IOException {
    String both = file("both.yaml", INVENTORY + "---\n" + POLICIES);
    Run r = run("lint", "--cluster", file("other.yaml", INVENTORY.replace("web-1", "web-2")), both);
    assertThat(r.err()).contains("--cluster ignored");
    assertThat(r.out()).doesNotContain("web-2");
  }

  @Test
  void unreadableClusterFilesExitTwo() throws IOException {
    Run r = run("lint", "--cluster", dir.resolve("missing.yaml").toString(), file("p.yaml", POLICIES));
    assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).contains("missing.yaml").doesNotContain("[NP2");
  }

  @Test
  void backendCapabilitiesAndUnknownBackends() throws IOException {
    String policies = file("p.yaml", POLICIES);
    assertThat(run("lint", "--backend", "nftables", policies).out()).doesNotContain("NP209");
    Run bad = run("lint", "--backend", "nosuch", policies);
    assertThat(bad.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(bad.err()).contains("--backend: unknown backend 'nosuch' (available: ").contains("nftables")
        .doesNotContain("Exception");
  }

  @Test
  void configFileSetsSeveritiesAndCommandLineRulesWin() throws IOException {
    String policies = file("p.yaml", String.join("\n",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: open, namespace: shop}",
        "spec:",
        "  podSelector: {}",
        "  ingress:",
        "  - {}",
        "  - ports:",
        "    - port: 80",
        ""));
    assertThat(run("lint", policies).out()).contains("[NP210]").doesNotContain("NP30");
    String config = file("netpolc.yaml", "rules:\n  NP3xx: info\n  NP210: off\n");
    Run r = run("lint", "--config", config, policies);
    assertThat(r.out()).contains(policies + ":9:7: info[NP301]").contains(policies + ":4:1: info[NP302]")
        .doesNotContain("NP210");
    assertThat(run("lint", "--config", config, "--rule", "NP301=off", policies).out()).doesNotContain("NP301")
        .contains("info[NP302]");
    assertThat(run("lint", policies).out()).doesNotContain("NP301");
  }

  @Test
  void badConfigFilesNameFileLineAndColumn() throws IOException {
    String policies = file("p.yaml", POLICIES);
    Run unknownKey = run("lint", "--config", file("a.yaml", "rules: {NP212: off}\nchecks: {}\n"), policies);
    assertThat(unknownKey.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(unknownKey.err()).contains("a.yaml:2:1: unknown key 'checks'");
    Run badSeverity = run("lint", "--config", file("b.yaml", "rules:\n  NP212: loud\n"), policies);
    assertThat(badSeverity.err()).contains("b.yaml:2:10: rules.NP212: unknown severity 'loud'");
    Run unknownRule = run("lint", "--config", file("c.yaml", "rules:\n  NP999: off\n"), policies);
    assertThat(unknownRule.err()).contains("c.yaml:2:10: rules.NP999: unknown rule id 'NP999'");
    Run badSelector = run("lint", "--config", file("d.yaml", "dns: {podSelector: \"app in (\"}\n"), policies);
    assertThat(badSelector.err()).contains("d.yaml:1:").contains("dns.podSelector");
    Run notYaml = run("lint", "--config", file("e.yaml", "rules: {NP212: off\n"), policies);
    assertThat(notYaml.err()).contains("e.yaml:").contains("not valid YAML");
    // Found by LintSettingsFuzzTest: keys, values and the YAML parser's messages went out with
    // their control characters raw.
    Run escape = run("lint", "--config", file("f.yaml", "\"k\\e[2J\": 1\n"), policies);
    assertThat(escape.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(escape.err()).contains("f.yaml:1:1: unknown key 'k?[2J'").doesNotContain("\u001b");
    Run tab = run("lint", "--config", file("g.yaml", "rules:\t{}\n"), policies);
    assertThat(tab.err()).contains("g.yaml:1:").doesNotContain("\t");
    assertThat(String.join("", unknownKey.out(), badSeverity.out(), unknownRule.out(), notYaml.out())).isEmpty();
    assertThat(String.join("", unknownKey.err(), badSeverity.err(), notYaml.err())).doesNotContain("Exception");
  }

  @Test
  void dnsLocationFromConfigOrCommandLine() throws IOException {
    String both = file("both.yaml", INVENTORY + "---\n" + POLICIES.replace("app: wbe", "app: web")
        + "---\n" + String.join("\n",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: dns, namespace: shop}",
        "spec:",
        "  podSelector: {}",
        "  policyTypes: [Egress]",
        "  egress:",
        "  - to:",
        "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: infra}}",
        "      podSelector: {matchLabels: {app: resolver}}",
        "    ports:",
        "    - {protocol: UDP, port: 53}",
        "    - {protocol: TCP, port: 53}",
        ""));
    assertThat(run("lint", both).out()).contains("[NP211]");
    assertThat(run("lint", "--dns-selector", "infra/app=resolver", both).out()).doesNotContain("[NP211]");
    String config = file("dns.yaml", "dns:\n  namespace: infra\n  podSelector: \"app=resolver\"\n");
    assertThat(run("lint", "--config", config, both).out()).doesNotContain("[NP211]");
    Run bad = run("lint", "--dns-selector", "app=resolver", both);
    assertThat(bad.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(bad.err()).contains("--dns-selector: expected NAMESPACE/SELECTOR");
  }
}
