package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 21: a NetworkPolicy with rules for a direction its {@code policyTypes} leaves out is
 * accepted by the API server (the rules are ignored), so every backend's {@code compile} accepts
 * it with a {@code warning[NP106]}, as {@code matrix} does, and emits exactly what it emits
 * without the ignored rules. It used to refuse the whole input with {@code error[NP106]}, exit 2.
 */
class IgnoredDirectionCompileTest {
  /** Egress-only for redis, plus ingress rules (line 13) that policyTypes makes dead. */
  private static final String WITH_IGNORED_RULES = String.join("\n",
      "apiVersion: networking.k8s.io/v1",
      "kind: NetworkPolicy",
      "metadata: {name: redis-egress, namespace: database}",
      "spec:",
      "  podSelector:",
      "    matchLabels: {app: redis}",
      "  policyTypes: [Egress]",
      "  egress:",
      "  - to:",
      "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}",
      "    ports:",
      "    - {protocol: UDP, port: 53}",
      "  ingress:",
      "  - from:",
      "    - ipBlock: {cidr: 0.0.0.0/0}",
      "---",
      "apiVersion: networking.k8s.io/v1",
      "kind: NetworkPolicy",
      "metadata: {name: web-ingress-only, namespace: frontend}",
      "spec:",
      "  podSelector: {}",
      "  policyTypes: [Ingress]",
      "  ingress:",
      "  - ports:",
      "    - {protocol: TCP, port: 8080}",
      "  egress:",
      "  - to:",
      "    - podSelector: {}",
      "");

  /** The same policies without the ignored rules: what the API server and netpolc enforce. */
  private static final String WITHOUT_IGNORED_RULES = WITH_IGNORED_RULES
      .replace("  ingress:\n  - from:\n    - ipBlock: {cidr: 0.0.0.0/0}\n", "")
      .replace("  egress:\n  - to:\n    - podSelector: {}\n", "");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nftables", "iptables", "ebpf"})
  void compileAcceptsRulesOfADirectionMissingFromPolicyTypes(String backend, @TempDir Path tmp) throws IOException {
    Path with = write(tmp.resolve("with"), WITH_IGNORED_RULES);
    Path without = write(tmp.resolve("without"), WITHOUT_IGNORED_RULES);
    assertThat(WITHOUT_IGNORED_RULES).doesNotContain("0.0.0.0/0").isNotEqualTo(WITH_IGNORED_RULES);

    // For one node, as an agent or ops script compiles (cluster-wide verification takes longer).
    Path out = tmp.resolve("out-with");
    Run r = CompileCommandTest.run("compile", "--backend", backend, "--node", "node-a", "--output", out.toString(),
        CompileCommandTest.demo().toString(), with.toString());
    assertThat(r.rc()).as(r.err()).isEqualTo(Main.EXIT_OK);
    assertThat(r.err()).contains(with + ":13:3: warning[NP106]: spec.ingress: ingress rules are ignored")
        .contains(with + ":26:3: warning[NP106]: spec.egress: egress rules are ignored")
        .doesNotContain("error[");

    // The ignored rules change nothing: the artifact is the one of the policies without them.
    Path reference = tmp.resolve("out-without");
    Run plain = CompileCommandTest.run("compile", "--backend", backend, "--node", "node-a", "--output",
        reference.toString(), CompileCommandTest.demo().toString(), without.toString());
    assertThat(plain.rc()).as(plain.err()).isEqualTo(Main.EXIT_OK);
    assertThat(plain.err()).doesNotContain("NP106");
    assertThat(files(out)).isNotEmpty().isEqualTo(files(reference));

    // And the artifact enforces what matrix computes from the input as given.
    Run verify = CompileCommandTest.run("verify", "--backend", backend, "--node", "node-a", out.toString(),
        CompileCommandTest.demo().toString(), with.toString());
    assertThat(verify.rc()).as(verify.out() + verify.err()).isEqualTo(Main.EXIT_OK);
    assertThat(verify.out()).contains("agrees with the policies");
  }

  private static Path write(Path dir, String yaml) throws IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("policies.yaml"), yaml, StandardCharsets.UTF_8);
  }

  private static Map<String, String> files(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        out.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
