package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NP266-NP269, the Cilium lint rules: each fixture marks every expected finding by line and
 * column next to clean examples; messages, related locations, inventory variants and suppression.
 */
class CiliumLintRulesTest {
  private static Cluster read(String text) {
    ReadResult r = new PolicyReader().readString("t.yaml", text);
    assertThat(r.errors()).as("reader errors").isEmpty();
    return r.cluster();
  }

  private static List<Diagnostic> findings(Cluster cluster, String ruleId) {
    return new Linter(LintConfig.DEFAULT).lint(cluster).findings().stream()
        .filter(d -> d.ruleId().equals(ruleId)).toList();
  }

  /** The fixture without its inventory: everything before the first Cilium object dropped. */
  private static String policiesOnly(String fixture) {
    String text = LintFixtures.text(fixture);
    return text.substring(text.indexOf("apiVersion: cilium.io/v2"));
  }

  @Test
  void np266NamesTheNamespacesAClusterwideSelectorReaches() {
    List<Diagnostic> found = LintFixtures.assertMarked("np266-clusterwide-selector-without-namespace.yaml", "NP266");
    assertThat(found.get(0).path()).isEqualTo("spec.endpointSelector");
    assertThat(found.get(0).message()).startsWith("spec.endpointSelector: selector {app=db} names no "
        + "io.kubernetes.pod.namespace, so in a CiliumClusterwideNetworkPolicy it selects pods of every namespace: "
        + "here 2 pods in blog, shop (shop/db-1, blog/db-1)")
        .endsWith("(CiliumClusterwideNetworkPolicy/db-guard)");
    assertThat(found.get(1).path()).isEqualTo("spec.ingress[0].fromEndpoints[0]");
    assertThat(found.get(2).path()).isEqualTo("spec.egressDeny[0].toEndpoints[0]");
  }

  @Test
  void np266NeedsTheInventory() {
    Cluster c = read(policiesOnly("np266-clusterwide-selector-without-namespace.yaml"));
    assertThat(findings(c, "NP266")).isEmpty();
    assertThat(new Linter(LintConfig.DEFAULT).lint(c).skipped()).extracting(LintReport.Skipped::ruleId).contains("NP266");
  }

  @Test
  void np267WorldBesideThePodRangeAndAllInADeny() {
    List<Diagnostic> found = LintFixtures.assertMarked("np267-cilium-world-or-all.yaml", "NP267");
    assertThat(found.get(0).message()).startsWith("spec.egress[0].toEntities[0]: world matches only addresses "
        + "outside the cluster").contains("write all if every peer was meant");
    assertThat(found.get(0).related()).singleElement().satisfies(r -> {
      assertThat(r.message()).startsWith("spec.egress[1].toCIDR[0]: 10.244.0.0/16 covers pod CIDR 10.244.1.0/24");
      assertThat(r.position().line()).isEqualTo(found.get(0).position().line() + 2);
    });
    assertThat(found.get(1).message()).startsWith("spec.ingressDeny[0].fromEntities[0]: all in a deny also matches")
        .contains("overrides 1 allow entry of this rule naming pods").contains("write world");
    assertThat(found.get(1).related()).extracting(Diagnostic.Related::message)
        .containsExactly("spec.ingress[0]: allows pods, overridden by this deny");
    // NP269 leaves the overridden allow to NP267: one mistake, one finding
    assertThat(findings(LintFixtures.read("np267-cilium-world-or-all.yaml"), "NP269")).isEmpty();
  }

  @Test
  void np267AllInADenyNeedsNoInventoryButWorldBesideCidrsDoes() {
    Cluster c = read(policiesOnly("np267-cilium-world-or-all.yaml"));
    assertThat(findings(c, "NP267")).extracting(Diagnostic::path).containsExactly("spec.ingressDeny[0].fromEntities[0]");
  }

  @Test
  void np268SaysWhatTheCidrCoversAndThatADenyDoesNotBlockIt() {
    List<Diagnostic> found = LintFixtures.assertMarked("np268-cilium-cidr-covers-pods.yaml", "NP268");
    assertThat(found.get(0).message()).startsWith("spec.egress[0].toCIDR[0]: 10.244.1.0/24 covers pod CIDR "
        + "10.244.1.0/24 of node node-a, pod shop/db-1 (10.244.1.10), pod shop/web-1 (10.244.1.11) and 2 more, but "
        + "Cilium never matches pods or nodes by CIDR").contains("this rule does not allow them");
    assertThat(found.get(1).message()).contains("192.168.0.10/32 covers address 192.168.0.10 of node node-a");
    assertThat(found.get(2).path()).isEqualTo("spec.egressDeny[0].toCIDRSet[0].cidr");
    assertThat(found.get(2).message()).contains("this deny does not block them; deny pods with toEndpoints or "
        + "toEntities: [cluster]");
    assertThat(found.get(3).message()).contains("fromEndpoints or fromEntities: [cluster]");
  }

  @Test
  void np269NamesTheDeniesThatEmptyTheAllow() {
    List<Diagnostic> found = LintFixtures.assertMarked("np269-cilium-deny-empties-allow.yaml", "NP269");
    assertThat(found.get(0).message()).startsWith("spec.ingress[0]: every peer and port this allow entry matches is "
        + "denied by deny entries applying to the endpoint this rule selects (shop/db-1) (spec.ingressDeny[0] "
        + "(CiliumNetworkPolicy/shop/db))").contains("allows nothing");
    assertThat(found.get(1).related()).singleElement().satisfies(r -> {
      assertThat(r.message()).isEqualTo("spec.egressDeny[0] (CiliumClusterwideNetworkPolicy/no-ssh-out)");
      assertThat(r.position().file()).isEqualTo("np269-cilium-deny-empties-allow.yaml");
    });
    assertThat(found.get(2).message()).contains("by deny entries of the same rule");
  }

  @Test
  void np269WithoutInventoryOnlyTheSameRuleCounts() {
    Cluster c = read(policiesOnly("np269-cilium-deny-empties-allow.yaml"));
    // shop/db's own deny still empties its allow; the cluster-wide ssh deny is another rule's
    assertThat(findings(c, "NP269")).extracting(Diagnostic::path).containsExactly("spec.ingress[0]", "spec.egress[0]");
    assertThat(findings(c, "NP269")).extracting(Diagnostic::message)
        .allSatisfy(m -> assertThat(m).contains("deny entries of the same rule"));
  }

  @Test
  void np269ADenyForOnlySomeOfTheEndpointsLeavesTheAllowAlone() {
    String text = LintFixtures.text("np269-cilium-deny-empties-allow.yaml").replace(
        "metadata: {name: no-ssh-out}\nspec:\n  endpointSelector: {}",
        "metadata: {name: no-ssh-out}\nspec:\n  endpointSelector:\n    matchLabels: {app: other}");
    assertThat(findings(read(text), "NP269")).extracting(Diagnostic::path)
        .containsExactly("spec.ingress[0]", "spec.egress[0]");
  }

  @Test
  void ciliumFindingsAreSuppressedByACommentOnTheObject() {
    String text = LintFixtures.text("np268-cilium-cidr-covers-pods.yaml")
        .replace("apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: internal}",
            "# netpolc: disable=NP268\napiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: internal}");
    assertThat(text).contains("disable=NP268");
    assertThat(findings(read(text), "NP268")).isEmpty();
  }
}
