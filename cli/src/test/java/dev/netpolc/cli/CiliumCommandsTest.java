package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cilium policies are enforced: {@code matrix} decides them through the compiled graph as the
 * reference does, {@code explain} names the deciding rule, {@code compile} emits them, and
 * {@code diff} compares them.
 */
class CiliumCommandsTest {
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
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: db-from-web
        namespace: shop
      spec:
        endpointSelector: {matchLabels: {app: db}}
        ingress:
        - fromEndpoints: [{matchLabels: {app: web}}]
          toPorts: [{ports: [{port: "80", endPort: 90}]}]
      """;

  private static final String DENY = """
      ---
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata:
        name: no-85
      spec:
        endpointSelector: {}
        ingressDeny:
        - toPorts: [{ports: [{port: "85", protocol: ANY}]}]
      """;

  @Test
  void matrixExplainAndCompileDecideTheCiliumPolicy(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("cilium.yaml");
    Files.writeString(input, INPUT);
    for (String via : new String[] {"reference", "ir"}) {
      Run m = CompileCommandTest.run("matrix", "--via", via, "--format", "json", "--port", "80", input.toString());
      assertThat(m.rc()).as(m.err()).isZero();
      assertThat(m.out().replaceAll("\\s", "")).as(via).contains("\"shop/web\":[\"shop/db\",\"shop/web\"]")
          .contains("\"shop/db\":[\"shop/db\",\"shop/web\"]");
      Run m22 = CompileCommandTest.run("matrix", "--via", via, "--format", "json", "--port", "22", input.toString());
      assertThat(m22.rc()).as(m22.err()).isZero();
      assertThat(m22.out().replaceAll("\\s", "")).as(via).contains("\"shop/web\":[\"shop/web\"]");
    }
    Run denied = CompileCommandTest.run("explain", "--from", "shop/web", "--to", "shop/db", "--port", "22",
        input.toString());
    assertThat(denied.rc()).as(denied.err()).isZero();
    assertThat(denied.out()).containsIgnoringCase("denied");
    Run allowed = CompileCommandTest.run("explain", "--from", "shop/web", "--to", "shop/db", "--port", "80",
        input.toString());
    assertThat(allowed.rc()).as(allowed.err()).isZero();
    assertThat(allowed.out()).contains("CiliumNetworkPolicy/shop/db-from-web spec.ingress[0] (allow rule)");
    Run c = CompileCommandTest.run("compile", "--backend", "nftables", "--output", "-", input.toString());
    assertThat(c.rc()).as(c.err()).isZero();
    assertThat(c.out()).contains("CiliumNetworkPolicy/shop/db-from-web");
  }

  @Test
  void diffComparesCiliumPolicies(@TempDir Path dir) throws IOException {
    Path before = dir.resolve("before.yaml");
    Files.writeString(before, INPUT);
    Path after = dir.resolve("after.yaml");
    Files.writeString(after, INPUT + DENY);
    Run r = CompileCommandTest.run("diff", before.toString(), after.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    // The deny rule takes port 85 from the allowed range, and web, in default deny now, loses it too.
    assertThat(r.out()).startsWith("netpolc diff: 0 groups newly allowed (0 pod pairs), ")
        .contains("newly denied:").contains("shop/web -> shop/db").contains("85");
  }
}
