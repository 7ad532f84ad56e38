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
 * compiled graph as the reference does, {@code compile} emits them, and {@code diff} compares
 * them.
 */
class CalicoCommandsTest {
  private static final String INPUT = ShopWebAndDb.INVENTORY + """
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
    ShopWebAndDb.assertMatrixViaReferenceAndIr(input, "80", "\"shop/web\":[\"shop/web\"]",
        "\"shop/db\":[\"shop/db\",\"shop/web\"]");
    Run c = CompileCommandTest.run("compile", "--backend", "nftables", "--output", "-", input.toString());
    assertThat(c.rc()).as(c.err()).isZero();
    assertThat(c.out()).contains("deny-db");
  }

  @Test
  void diffComparesCalicoPolicies(@TempDir Path dir) throws IOException {
    Path before = dir.resolve("before.yaml");
    Files.writeString(before, INPUT);
    Path after = dir.resolve("after.yaml");
    Files.writeString(after, INPUT.replace("- action: Deny", "- action: Allow\n      protocol: ICMP\n"
        + "      icmp: {type: 8}"));
    Run r = CompileCommandTest.run("diff", before.toString(), after.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    // Echo requests become allowed; everything else stays denied by the default tier.
    assertThat(r.out()).isEqualTo("netpolc diff: 1 group newly allowed (1 pod pair), 0 groups newly denied"
        + " (0 pod pairs)\nnewly allowed:\n  shop/web -> shop/db: ICMP 8\n");
  }
}
