package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lint} reports Cilium's validation findings at their positions, with or without the
 * inventory from {@code --cluster}, and honours suppression comments.
 */
class CiliumLintCommandTest {
  private static final String DENY = """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: deny-world
        namespace: backend
      spec:
        endpointSelector: {}
        ingressDeny:
        - fromEntities: [world]
      """;

  @Test
  void lintReportsCiliumValidationFindingsWithPositions(@TempDir Path dir) throws IOException {
    Path cilium = dir.resolve("cilium.yaml");
    Files.writeString(cilium, DENY + """
        ---
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: l7}
        spec:
          endpointSelector: {}
          egress:
          - toFQDNs: [{matchName: example.com}]
          - toEntities: [internet]
        """);
    Run lint = CompileCommandTest.run("lint", cilium.toString());
    assertThat(lint.rc()).as(lint.err()).isEqualTo(1);
    assertThat(lint.out()).contains(cilium + ":17:5").contains("NP197").contains("toFQDNs")
        .contains(cilium + ":18:18").contains("NP194").contains("internet");
    // With the inventory from --cluster, the PATHs' Cilium policies are still linted.
    Run withCluster = CompileCommandTest.run("lint", "--cluster", CompileCommandTest.demo().toString(),
        cilium.toString());
    assertThat(withCluster.rc()).as(withCluster.err()).isEqualTo(1);
    assertThat(withCluster.out()).contains("NP197").contains("NP194");
    // A suppression comment on the object silences its findings, as for every other kind.
    Path suppressed = dir.resolve("suppressed.yaml");
    Files.writeString(suppressed, """
        # netpolc: disable=NP197
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: fqdn}
        spec:
          endpointSelector: {}
          egress:
          - toFQDNs: [{matchName: example.com}]
        """);
    Run quiet = CompileCommandTest.run("lint", suppressed.toString());
    assertThat(quiet.rc()).as(quiet.out()).isZero();
    assertThat(quiet.out()).doesNotContain("NP197");
  }
}
