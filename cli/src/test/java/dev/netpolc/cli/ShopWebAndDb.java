package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.nio.file.Path;

/**
 * The two-pod inventory the dialect command tests share (namespace {@code shop}, pods
 * {@code web} at 10.0.0.1 and {@code db} at 10.0.0.2, no nodes), and the matrix check they make
 * through both deciders.
 */
final class ShopWebAndDb {
  /** The inventory, ending with a document separator so that a policy can follow. */
  static final String INVENTORY = """
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
      """;

  private ShopWebAndDb() {}

  /**
   * {@code matrix --format json --port <port>} through the reference and through the compiled
   * graph both succeed and, whitespace removed, contain every one of {@code fragments}.
   */
  static void assertMatrixViaReferenceAndIr(Path input, String port, String... fragments) {
    for (String via : new String[] {"reference", "ir"}) {
      Run m = CompileCommandTest.run("matrix", "--via", via, "--format", "json", "--port", port, input.toString());
      assertThat(m.rc()).as(m.err()).isZero();
      assertThat(m.out().replaceAll("\\s", "")).as(via + " port " + port).contains(fragments);
    }
  }
}
