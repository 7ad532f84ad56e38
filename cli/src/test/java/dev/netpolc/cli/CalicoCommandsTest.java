package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calico policies are enforced: {@code matrix} and {@code explain} decide them through the
 * compiled graph as the reference does, and {@code compile} emits them; {@code diff}, which does
 * not compare Calico policies yet, refuses them (exit 2, the policy's position) rather than
 * report as if they were not there.
 */
class CalicoCommandsTest {
  private static final String INPUT = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec: {containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec: {containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.0.2}
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata:
        name: deny-db
        namespace: shop
      spec:
        selector: app == 'db'
        ingress:
          - action: Deny
      """;

  @Test
  void matrixExplainAndCompileDecideTheCalicoPolicy(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("calico.yaml");
    Files.writeString(input, INPUT);
    for (String via : new String[] {"reference", "ir"}) {
      Run m = CompileCommandTest.run("matrix", "--via", via, "--format", "json", "--port", "80", input.toString());
      assertThat(m.rc()).as(m.err()).isZero();
      assertThat(m.out().replaceAll("\\s", "")).as(via).contains("\"shop/web\":[\"shop/web\"]")
          .contains("\"shop/db\":[\"shop/db\",\"shop/web\"]");
    }
    Run c = CompileCommandTest.run("compile", "--backend", "nftables", "--output", "-", input.toString());
    assertThat(c.rc()).as(c.err()).isZero();
    assertThat(c.out()).contains("deny-db");
  }

  @Test
  void diffRefusesCalicoPolicies(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("calico.yaml");
    Files.writeString(input, INPUT);
    Run r = CompileCommandTest.run("diff", input.toString(), input.toString());
    assertThat(r.rc()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(input + ":17:1").contains("Calico NetworkPolicy/shop/deny-db")
        .contains("does not compare Calico policies").doesNotContain("Exception");
  }
}
