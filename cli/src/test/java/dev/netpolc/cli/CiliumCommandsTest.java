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
  private static final String INPUT = ShopWebAndDb.INVENTORY + """
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
    ShopWebAndDb.assertMatrixViaReferenceAndIr(input, "80", "\"shop/web\":[\"shop/db\",\"shop/web\"]",
        "\"shop/db\":[\"shop/db\",\"shop/web\"]");
    ShopWebAndDb.assertMatrixViaReferenceAndIr(input, "22", "\"shop/web\":[\"shop/web\"]");
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

  /** The rule comments name each Cilium rule once, by its path in the policy, in both rule languages. */
  @Test
  void compiledRuleCommentsNameEachCiliumRuleOnce(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("cilium.yaml");
    Files.writeString(input, INPUT + DENY);
    Run nft = CompileCommandTest.run("compile", "--backend", "nftables", "--output", "-", input.toString());
    assertThat(nft.rc()).as(nft.err()).isZero();
    assertThat(nft.out()).contains("comment \"CiliumNetworkPolicy/shop/db-from-web spec.ingress[0]\"")
        .contains("comment \"CiliumClusterwideNetworkPolicy/no-85 spec.ingressDeny[0]\"")
        .doesNotContain("spec.ingress ingress[").doesNotContain("spec.ingressDeny ingress[");
    Path out = dir.resolve("iptables");
    Run ipt = CompileCommandTest.run("compile", "--backend", "iptables", "--output", out.toString(), input.toString());
    assertThat(ipt.rc()).as(ipt.err()).isZero();
    String rules = Files.readString(out.resolve("iptables.rules"));
    assertThat(rules).contains("CiliumNetworkPolicy/shop/db-from-web spec.ingress[0]")
        .contains("CiliumClusterwideNetworkPolicy/no-85 spec.ingressDeny[0]").doesNotContain("spec.ingress ingress[");
  }

  /** web and db on node n1; db takes ingress from web only. */
  private static final String ON_NODE = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec: {nodeName: n1, containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec: {nodeName: n1, containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.0.2}
      ---
      """;

  /**
   * A connection from a pod's own node is decided by Cilium's own-node allow rule: explain names
   * that rule as the emitted comment does, where a NetworkPolicy cluster's exemption is a shortcut
   * in both directions; a deny rule overrides it and explain then names the deny rule.
   */
  @Test
  void explainNamesTheCiliumOwnNodeAllowRule(@TempDir Path dir) throws IOException {
    Path cilium = dir.resolve("cilium.yaml");
    Files.writeString(cilium, ON_NODE + """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: db-from-web, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: db}}
          ingress:
          - fromEndpoints: [{matchLabels: {app: web}}]
        """);
    Run text = CompileCommandTest.run("explain", "--from", "192.168.0.1", "--to", "shop/db", "--port", "22",
        cilium.toString());
    assertThat(text.rc()).as(text.err()).isZero();
    assertThat(text.out()).isEqualTo("node n1 (192.168.0.1) -> shop/db (10.0.0.2) TCP/22: ALLOWED\n"
        + "  ingress from its own node: allowed by Cilium's own-node allow rule (node n1 to its pods); only a deny"
        + " rule would override it, and none matched\n");
    Run json = CompileCommandTest.run("explain", "--format", "json", "--from", "192.168.0.1", "--to", "shop/db",
        "--port", "22", cilium.toString());
    assertThat(json.rc()).as(json.err()).isZero();
    assertThat(json.out().replaceAll("\\s", "")).contains("\"shortcut\":\"cilium-own-node\"");
    Run nft = CompileCommandTest.run("compile", "--backend", "nftables", "--node", "n1", "--output", "-",
        cilium.toString());
    assertThat(nft.rc()).as(nft.err()).isZero();
    // The rule of that name; the passes may merge it into a set shared with other rules.
    assertThat(nft.out()).containsPattern("comment \"[^\"]*node n1 to its pods");

    Path denied = dir.resolve("denied.yaml");
    Files.writeString(denied, Files.readString(cilium) + """
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: no-host, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: db}}
          ingressDeny:
          - fromEntities: [host]
        """);
    Run deny = CompileCommandTest.run("explain", "--from", "192.168.0.1", "--to", "shop/db", "--port", "22",
        denied.toString());
    assertThat(deny.rc()).as(deny.err()).isZero();
    assertThat(deny.out()).contains("DENIED").contains("CiliumNetworkPolicy/shop/no-host spec.ingressDeny[0]")
        .doesNotContain("own-node allow rule");

    Path kubernetes = dir.resolve("networkpolicy.yaml");
    Files.writeString(kubernetes, ON_NODE + """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-from-web, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
        """);
    Run np = CompileCommandTest.run("explain", "--from", "192.168.0.1", "--to", "shop/db", "--port", "22",
        kubernetes.toString());
    assertThat(np.rc()).as(np.err()).isZero();
    assertThat(np.out()).isEqualTo("node n1 (192.168.0.1) -> shop/db (10.0.0.2) TCP/22: ALLOWED\n"
        + "  between a pod and the node it runs on: always allowed\n");
  }

}
