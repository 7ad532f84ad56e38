package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calico policies are read and linted, but not yet compiled or evaluated: every other command
 * refuses an input holding one (exit 2, the policy's position, nothing written) rather than
 * decide connections as if its Deny were not there. Calico's other objects (Services, tiers,
 * network sets) and staged policies change no verdict and pass.
 */
class CalicoNotEnforcedTest {
  private static final String DENY = """
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

  private static final String STAGED_AND_SERVICE = """
      apiVersion: projectcalico.org/v3
      kind: StagedNetworkPolicy
      metadata:
        name: preview
        namespace: shop
      spec:
        selector: app == 'db'
        ingress:
          - action: Deny
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: db
        namespace: shop
      spec:
        selector:
          app: db
      """;

  @Test
  void everyCommandButLintRefusesAnEnforcedCalicoPolicy(@TempDir Path dir) throws IOException {
    Path calico = dir.resolve("calico.yaml");
    Files.writeString(calico, DENY);
    String demo = CompileCommandTest.demo().toString();
    Path out = dir.resolve("out");
    String[][] commands = {
        {"compile", "--backend", "nftables", "--output", out.toString(), demo, calico.toString()},
        {"matrix", demo, calico.toString()},
        {"explain", "--from", "frontend/web-7d9f8-a", "--to", "backend/checkout-5c4b-a", "--port", "5432", demo, calico.toString()},
        {"verify", "--backend", "nftables", demo, calico.toString()},
        {"diff", "--cluster", demo, calico.toString(), calico.toString()},
    };
    for (String[] argv : commands) {
      Run r = CompileCommandTest.run(argv);
      assertThat(r.rc()).as(String.join(" ", argv) + "\n" + r.err()).isEqualTo(2);
      assertThat(r.err()).as(argv[0]).contains(calico + ":1:1").contains("Calico NetworkPolicy/shop/deny-db")
          .contains("not enforced").doesNotContain("Exception");
      assertThat(r.out()).as(argv[0]).isEmpty();
    }
    assertThat(out).doesNotExist();
    Run lint = CompileCommandTest.run("lint", demo, calico.toString());
    assertThat(lint.err()).doesNotContain("not enforced");
  }

  @Test
  void stagedPoliciesAndServicesChangeNothingAndPass(@TempDir Path dir) throws IOException {
    Path extra = dir.resolve("extra.yaml");
    Files.writeString(extra, STAGED_AND_SERVICE);
    String demo = CompileCommandTest.demo().toString();
    Run with = CompileCommandTest.run("compile", "--backend", "nftables", "--output", "-", demo, extra.toString());
    Run without = CompileCommandTest.run("compile", "--backend", "nftables", "--output", "-", demo);
    assertThat(with.rc()).as(with.err()).isZero();
    assertThat(with.out()).isEqualTo(without.out());
  }
}
