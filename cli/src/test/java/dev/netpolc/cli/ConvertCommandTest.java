package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netpolc convert}: golden output for examples/tiers (converted) and examples/calico
 * (refused, with its reasons), the exit codes, {@code -o DIR}, and failing closed: nothing
 * written on bad input, a refusal or an unsupported target. Regenerate the goldens with
 * {@code -Dnetpolc.updateGolden=true}.
 */
class ConvertCommandTest {
  static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "convert");
  static final Path EXAMPLES = CompileCommandTest.demo().getParent();

  static Run run(String... args) {
    return CompileCommandTest.run(args);
  }

  @Test
  void tiersToClusterNetworkPolicyMatchesGolden() throws IOException {
    Run r = run("convert", "--to", "clusternetworkpolicy", EXAMPLES.resolve("tiers").toString());
    assertThat(r.rc()).as(r.err()).isZero();
    ExplainGoldenTest.check(GOLDEN.resolve("tiers-clusternetworkpolicy.yaml"), r.out());
    ExplainGoldenTest.check(GOLDEN.resolve("tiers-clusternetworkpolicy.report.txt"), r.err());
    assertThat(r.err()).contains("proof: every connection between the 6 pods is decided as before");
  }

  @Test
  void tiersToCalicoIsRefusedForTheEgressNetworkPolicies() throws IOException {
    // The tenants' egress NetworkPolicies would, on Calico, also decide each pod's traffic to its
    // own node, which NetworkPolicy semantics leave to the Admin and Baseline tiers.
    Run exact = run("convert", "--to", "calico", EXAMPLES.resolve("tiers").toString());
    assertThat(exact.rc()).isEqualTo(1);
    assertThat(exact.out()).isEmpty();
    String portable = exact.err().replace(EXAMPLES.toAbsolutePath().normalize() + java.io.File.separator,
        "examples/");
    ExplainGoldenTest.check(GOLDEN.resolve("tiers-calico.refusals.txt"), portable);
    // Not even approximately: some of that traffic would be newly allowed.
    Run approx = run("convert", "--to", "calico", "--approximate", EXAMPLES.resolve("tiers").toString());
    assertThat(approx.rc()).isEqualTo(1);
    assertThat(approx.err()).contains("newly allowed").contains("(the pod's own)");
  }

  @Test
  void tiersClusterPoliciesToCalicoMatchGolden() throws IOException {
    Path tiers = EXAMPLES.resolve("tiers");
    Run r = run("convert", "--to", "calico", "--cluster", tiers.resolve("cluster.yaml").toString(),
        tiers.resolve("admin").toString(), tiers.resolve("baseline").toString());
    assertThat(r.rc()).as(r.err()).isZero();
    ExplainGoldenTest.check(GOLDEN.resolve("tiers-calico.yaml"), r.out());
    ExplainGoldenTest.check(GOLDEN.resolve("tiers-calico.report.txt"), r.err());
    assertThat(r.err()).contains("proof: every connection between the 6 pods is decided as before")
        .contains("[inventory_dependent]");
  }

  @Test
  void calicoToCalicoIsTheIdentity() throws IOException {
    Run r = run("convert", "--to", "calico", EXAMPLES.resolve("calico").toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("is decided as before");
    // What was written converts again to the same text (the reader reads the writer's output).
    Path tmp = Files.createTempFile("netpolc-calico", ".yaml");
    try {
      Files.writeString(tmp, r.out(), StandardCharsets.UTF_8);
      Run again = run("convert", "--to", "calico", "--cluster",
          EXAMPLES.resolve("calico").resolve("cluster.yaml").toString(), tmp.toString());
      assertThat(again.rc()).as(again.err()).isZero();
      assertThat(again.out()).isEqualTo(r.out());
    } finally {
      Files.delete(tmp);
    }
  }

  @Test
  void outputDoesNotDependOnInputOrder() throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(EXAMPLES.resolve("tiers"))) {
      s.filter(p -> p.toString().endsWith(".yaml")).map(Path::toString).sorted().forEach(files::add);
    }
    List<String> forward = new ArrayList<>(List.of("convert", "--to", "clusternetworkpolicy"));
    forward.addAll(files);
    List<String> backward = new ArrayList<>(List.of("convert", "--to", "clusternetworkpolicy"));
    List<String> reversed = new ArrayList<>(files);
    java.util.Collections.reverse(reversed);
    backward.addAll(reversed);
    Run a = run(forward.toArray(new String[0]));
    Run b = run(backward.toArray(new String[0]));
    assertThat(a.rc()).as(a.err()).isZero();
    assertThat(b.out()).isEqualTo(a.out());
  }

  @Test
  void calicoIsRefusedWithReasonsAndNothingWritten(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("out");
    Run r = run("convert", "--to", "clusternetworkpolicy", "-o", dir.toString(), EXAMPLES.resolve("calico").toString());
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(dir).doesNotExist();
    // Positions name files by absolute path: the golden holds them relative to the checkout.
    String portable = r.err().replace(EXAMPLES.toAbsolutePath().normalize() + java.io.File.separator, "examples/");
    ExplainGoldenTest.check(GOLDEN.resolve("calico-clusternetworkpolicy.refusals.txt"), portable);
  }

  /**
   * The README's migration walk-through: examples/calico-migrated is examples/calico with the edits
   * the refusals ask for; it converts to both targets with the proof, and `diff` against the
   * original shows what the edits changed between pods (the blackbox ping only).
   */
  @Test
  void theMigratedCalicoExampleConvertsToClusterNetworkPolicyAndCilium() throws IOException {
    String cluster = EXAMPLES.resolve("calico").resolve("cluster.yaml").toString();
    String migrated = EXAMPLES.resolve("calico-migrated").toString();
    for (String target : List.of("clusternetworkpolicy", "cilium")) {
      Run r = run("convert", "--to", target, "--cluster", cluster, migrated);
      assertThat(r.rc()).as(r.err()).isZero();
      ExplainGoldenTest.check(GOLDEN.resolve("calico-migrated-" + target + ".yaml"), r.out());
      ExplainGoldenTest.check(GOLDEN.resolve("calico-migrated-" + target + ".report.txt"), r.err());
      assertThat(r.err()).contains("proof: every connection between the 7 pods is decided as before");
    }
    Run diff = run("diff", "--cluster", cluster, EXAMPLES.resolve("calico").toString(), migrated);
    assertThat(diff.out()).contains("0 groups newly allowed").contains("newly denied:")
        .contains("monitoring (all 1 pod) -> shop (all 3 pods): ICMP 8/0");
    assertThat(diff.out().lines().filter(l -> l.startsWith("  "))).allSatisfy(l -> assertThat(l).contains("ICMP 8/0"));
  }

  @Test
  void tieredToNetworkPolicyIsRefusedNamingTheRules() {
    Run r = run("convert", "--to", "networkpolicy", EXAMPLES.resolve("tiers").toString());
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).containsPattern("guard-rails.yaml:\\d+:\\d+: AdminNetworkPolicy/[a-z0-9-]+ rule spec\\."
        + "(ingress|egress)\\[0\\]: the Admin tier decides before NetworkPolicies").contains("nothing was written");
  }

  @Test
  void outputDirGetsOneFilePerObject(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("out");
    Run stream = run("convert", "--to", "clusternetworkpolicy", EXAMPLES.resolve("tiers").toString());
    Run r = run("convert", "--to", "clusternetworkpolicy", "-o", dir.toString(), EXAMPLES.resolve("tiers").toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    assertThat(files).hasSize(stream.out().split("(?m)^---$").length - 1)
        .allMatch(p -> p.getFileName().toString().matches("(networkpolicy|clusternetworkpolicy)-[a-z0-9.-]+\\.yaml"));
    for (Path f : files) {
      assertThat(stream.out()).contains(Files.readString(f, StandardCharsets.UTF_8));
    }
    // The written files are valid input again: converting them is the identity.
    List<String> again = new ArrayList<>(List.of("convert", "--to", "clusternetworkpolicy",
        "--cluster", EXAMPLES.resolve("tiers").resolve("cluster.yaml").toString()));
    again.add(dir.toString());
    Run second = run(again.toArray(new String[0]));
    assertThat(second.rc()).as(second.err()).isZero();
    assertThat(second.err()).contains("decided as before");
  }

  @Test
  void clusterMayRepeatTheInventoryOfPath() {
    Run r = run("convert", "--to", "clusternetworkpolicy", "--cluster",
        EXAMPLES.resolve("tiers").resolve("cluster.yaml").toString(), EXAMPLES.resolve("tiers").toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(run("convert", "--to", "clusternetworkpolicy", EXAMPLES.resolve("tiers").toString())
        .out());
  }

  @Test
  void anUnknownTargetExitsTwo() {
    Run bogus = run("convert", "--to", "iptables", EXAMPLES.resolve("tiers").toString());
    assertThat(bogus.rc()).isEqualTo(2);
    assertThat(bogus.out()).isEmpty();
    assertThat(bogus.err()).contains("'iptables' is not a target (networkpolicy, clusternetworkpolicy, calico, cilium)");
  }

  @Test
  void badInputNamesThePositionAndWritesNothing(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
          - ports: [{port: 99999}]
        """);
    Path dir = tmp.resolve("out");
    Run r = run("convert", "--to", "networkpolicy", "-o", dir.toString(), bad.toString());
    assertThat(r.rc()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).containsPattern("bad\\.yaml:7:\\d+: error\\[").doesNotContain("Exception");
    assertThat(dir).doesNotExist();
  }

  @Test
  void helpDocumentsEveryFlag() {
    Run r = run("convert", "--help");
    assertThat(r.rc()).isZero();
    assertThat(r.out()).contains("--to=TARGET", "--cluster=PATH", "--approximate", "-o, --output-dir=DIR",
        "--semantics", "PATH...", "calico (projectcalico.org/v3", "cilium (cilium.io/v2");
  }
}
