package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NP260-NP265, the Calico lint rules: each fixture marks every expected finding by line and
 * column next to clean examples; inventory variants, suppression and the helpers' corner cases.
 */
class CalicoLintRulesTest {
  private static final String PODS = String.join("\n",
      "apiVersion: v1", "kind: Namespace", "metadata: {name: shop, labels: {team: shop}}", "---",
      "apiVersion: v1", "kind: Pod", "metadata: {name: web-1, namespace: shop, labels: {app: web, tier: backend}}",
      "status: {podIP: 10.1.0.1}", "---",
      "apiVersion: v1", "kind: Pod", "metadata: {name: db-1, namespace: shop, labels: {app: db, tier: backend}}",
      "status: {podIP: 10.1.0.2}", "---", "");

  private static Cluster read(String text) {
    ReadResult r = new PolicyReader().readString("t.yaml", text);
    assertThat(r.errors()).as("reader errors").isEmpty();
    return r.cluster();
  }

  private static List<Diagnostic> findings(Cluster cluster, String ruleId) {
    return new Linter(LintConfig.DEFAULT).lint(cluster).findings().stream()
        .filter(d -> d.ruleId().equals(ruleId)).toList();
  }

  @Test
  void np260PolicyInUndefinedTierSuggestsTheClosestTier() {
    List<Diagnostic> found = LintFixtures.assertMarked("np260-policy-in-undefined-tier.yaml", "NP260");
    assertThat(found).allSatisfy(d -> assertThat(d.message()).startsWith("spec.tier: tier "));
    assertThat(found.get(0).message()).contains("\"securty\"").contains("did you mean \"security\"?")
        .endsWith("(GlobalNetworkPolicy/securty.block-threats)");
    assertThat(found.get(0).related()).singleElement().satisfies(r -> {
      assertThat(r.position().line()).isEqualTo(4);
      assertThat(r.message()).isEqualTo("Tier security");
    });
    // "ops" is too short for "default" or any other tier to be a likely typo of it
    assertThat(found.get(1).message()).doesNotContain("did you mean").endsWith("(StagedNetworkPolicy/shop/ops.audit)");
    assertThat(found.get(1).related()).isEmpty();
  }

  @Test
  void np260EditDistanceCountsATranspositionAsOneEdit() {
    assertThat(PolicyInUndefinedTier.distance("platfrom", "platform")).isEqualTo(1);
    assertThat(PolicyInUndefinedTier.distance("securty", "security")).isEqualTo(1);
    assertThat(PolicyInUndefinedTier.distance("", "abc")).isEqualTo(3);
    assertThat(PolicyInUndefinedTier.distance("app", "ops")).isEqualTo(2);
  }

  @Test
  void np261PassInLastTierFollowsTheTierOrderAndTheDirection() {
    List<Diagnostic> found = LintFixtures.assertMarked("np261-pass-in-last-tier.yaml", "NP261");
    assertThat(found.get(0).message()).startsWith("spec.ingress[0].action: Pass, and no later tier (kube-baseline) "
        + "has an ingress policy for the endpoints this policy selects").contains("acts as Allow");
    assertThat(found.get(1).message()).contains("(late, kube-baseline) has an egress policy");
  }

  @Test
  void np261APassInDefaultGoesOnToBaselinePolicies() {
    String banp = String.join("\n", "---", "apiVersion: policy.networking.k8s.io/v1alpha1",
        "kind: BaselineAdminNetworkPolicy", "metadata: {name: default}",
        "spec: {subject: {namespaces: {}}, egress: [{action: Deny, to: [{namespaces: {}}]}]}", "");
    Cluster c = read(LintFixtures.text("np261-pass-in-last-tier.yaml") + banp);
    // the egress Pass of shop/web now reaches kube-baseline; the ingress ones still do not
    assertThat(findings(c, "NP261")).extracting(d -> d.path())
        .containsExactly("spec.ingress[0].action", "spec.ingress[0].action");
  }

  @Test
  void np261WithInventoryNamesTheEndpointsNothingFollows() {
    String text = PODS + String.join("\n",
        "apiVersion: projectcalico.org/v3", "kind: Tier", "metadata: {name: late}", "spec: {order: 2000000}", "---",
        "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy", "metadata: {name: all-pass, namespace: shop}",
        "spec: {ingress: [{action: Pass}]}", "---",
        "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy", "metadata: {name: late.web, namespace: shop}",
        "spec: {tier: late, selector: app == 'web', ingress: [{action: Deny, source: {nets: [192.0.2.0/24]}}]}", "");
    List<Diagnostic> found = findings(read(text), "NP261");
    assertThat(found).singleElement().satisfies(d -> assertThat(d.message())
        .contains("has an ingress policy for 1 of the 2 endpoints this policy selects (shop/db-1)")
        .endsWith("(NetworkPolicy/shop/all-pass)"));
    // once late.web selects every pod of shop, the Pass always goes on to it
    assertThat(findings(read(text.replace("selector: app == 'web'", "selector: has(app)")), "NP261")).isEmpty();
  }

  @Test
  void np262UnreachableRulesPointAtTheUnconditionalRule() {
    List<Diagnostic> found = LintFixtures.assertMarked("np262-unreachable-calico-rule.yaml", "NP262");
    assertThat(found.get(0).message()).startsWith("spec.ingress[2]: never evaluated: spec.ingress[1] before it "
        + "(Deny with no match criteria) matches every packet").endsWith("(NetworkPolicy/shop/guard)");
    assertThat(found.get(0).related()).singleElement().satisfies(r -> {
      assertThat(r.position().line()).isEqualTo(8);
      assertThat(r.message()).isEqualTo("the unconditional Deny rule");
    });
    assertThat(found.get(2).message()).contains("(Pass with no match criteria)").contains("egress rules");
  }

  @Test
  void np263EntityExcludingEverything() {
    List<Diagnostic> found = LintFixtures.assertMarked("np263-entity-excludes-everything.yaml", "NP263");
    assertThat(found.get(0).message()).contains("cover every IPv4 address");
    assertThat(found.get(1).message()).contains("every address of nets (10.1.0.0/16) is in notNets (10.0.0.0/8)");
    assertThat(found.get(1).related()).singleElement().satisfies(r -> assertThat(r.position().line()).isEqualTo(13));
    assertThat(found.get(2).message()).contains("cover every IPv6 address");
    assertThat(found.get(3).message()).contains("notSelector all() excludes every endpoint and network set")
        .contains("the destination matches nothing");
    assertThat(found.get(5).message()).contains("notSelector is the same as selector");
  }

  @Test
  void np263WithInventoryComparesTheSelectedEndpoints() {
    String text = PODS + String.join("\n",
        "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy", "metadata: {name: p, namespace: shop}",
        "spec:", "  ingress:", "  - action: Allow", "    source:", "      selector: has(app)",
        "      notSelector: tier == 'backend'", "");
    assertThat(findings(read(text), "NP263")).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("spec.ingress[0].source.notSelector");
      assertThat(d.position().line()).isEqualTo(23);
      assertThat(d.message()).contains("every endpoint and network set the source admits (shop/web-1, shop/db-1)");
    });
    // a NetworkSet of the namespace that notSelector does not match keeps the entity alive
    String set = String.join("\n", "---", "apiVersion: projectcalico.org/v3", "kind: NetworkSet",
        "metadata: {name: partners, namespace: shop, labels: {app: partner}}", "spec: {nets: [192.0.2.0/28]}", "");
    assertThat(findings(read(text + set), "NP263")).isEmpty();
  }

  @Test
  void np263CoverageOfCidrs() {
    assertThat(EntityExcludesEverything.covers(List.of(Cidr.of("10.0.0.0/9"), Cidr.of("10.128.0.0/9")),
        Cidr.of("10.0.0.0/8"))).isTrue();
    assertThat(EntityExcludesEverything.covers(List.of(Cidr.of("10.0.0.0/9"), Cidr.of("10.192.0.0/10")),
        Cidr.of("10.0.0.0/8"))).isFalse();
    assertThat(EntityExcludesEverything.covers(List.of(Cidr.of("128.0.0.0/1"), Cidr.of("0.0.0.0/1")),
        Cidr.of("0.0.0.0/0"))).isTrue();
    assertThat(EntityExcludesEverything.covers(List.of(Cidr.of("::/0")), Cidr.of("0.0.0.0/0"))).isFalse();
  }

  @Test
  void np264LogWithNothingDecidingAfterIt() {
    List<Diagnostic> found = LintFixtures.assertMarked("np264-log-without-decision.yaml", "NP264");
    assertThat(found.get(0).message()).startsWith("spec.ingress[2].action: Log with no rule after it that decides");
  }

  @Test
  void np265EqualOrdersWithoutInventory() {
    List<Diagnostic> found = LintFixtures.assertMarked("np265-calico-equal-order-overlap.yaml", "NP265");
    assertThat(found.get(0).message()).contains("same tier (\"platform\") and order (10) as GlobalNetworkPolicy/"
        + "platform.a").contains("(GlobalNetworkPolicy/platform.a before GlobalNetworkPolicy/platform.b)");
    assertThat(found.get(1).message()).contains("as GlobalNetworkPolicy/platform.a,").doesNotContain("platform.b");
    assertThat(found.get(1).related()).singleElement().satisfies(r -> assertThat(r.position().line()).isEqualTo(11));
    assertThat(found.get(2).message()).contains("as GlobalNetworkPolicy/platform.b, NetworkPolicy/shop/platform.c")
        .endsWith("(StagedGlobalNetworkPolicy/platform.a)");
  }

  @Test
  void np265WithInventoryNeedsACommonEndpoint() {
    String text = PODS + String.join("\n",
        "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy", "metadata: {name: a, namespace: shop}",
        "spec: {order: 5, selector: tier == 'backend', ingress: [{action: Deny}]}", "---",
        "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy", "metadata: {name: b, namespace: shop}",
        "spec: {order: 5, selector: app == 'web', ingress: [{action: Allow}]}", "");
    assertThat(findings(read(text), "NP265")).singleElement().satisfies(d -> assertThat(d.message())
        .contains("both select endpoint shop/web-1").endsWith("(NetworkPolicy/shop/b)"));
    assertThat(findings(read(text.replace("app == 'web'", "app == 'cache'")), "NP265")).isEmpty();
  }

  @Test
  void np265KubernetesPoliciesSitInTheDefaultTierAtOrder1000() {
    String text = PODS + String.join("\n",
        "apiVersion: networking.k8s.io/v1", "kind: NetworkPolicy", "metadata: {name: web, namespace: shop}",
        "spec: {podSelector: {matchLabels: {app: web}}, ingress: [{}]}", "---",
        "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy", "metadata: {name: lockdown, namespace: shop}",
        "spec: {order: 1000, selector: has(app), ingress: [{action: Deny}]}", "");
    assertThat(findings(read(text), "NP265")).singleElement().satisfies(d -> {
      assertThat(d.message()).contains("same tier (\"default\") and order (1000) as Kubernetes NetworkPolicy shop/web "
          + "(Calico's knp.default.web), and both select endpoint shop/web-1").contains("(Kubernetes NetworkPolicy "
          + "shop/web (Calico's knp.default.web) before NetworkPolicy/shop/lockdown)");
      assertThat(d.related()).singleElement().satisfies(r -> assertThat(r.position().line()).isEqualTo(17));
    });
    assertThat(findings(read(text.replace("order: 1000", "order: 999")), "NP265")).isEmpty();
    assertThat(findings(read(text.replace("action: Deny", "action: Allow")), "NP265")).isEmpty();
  }

  @Test
  void selectorContradictions() {
    CalicoSelector web = CalicoSelector.parse("app == 'web'");
    assertThat(CalicoSelection.contradicts(web, CalicoSelector.parse("app == 'db'"))).isTrue();
    assertThat(CalicoSelection.contradicts(web, CalicoSelector.parse("app != 'web'"))).isTrue();
    assertThat(CalicoSelection.contradicts(web, CalicoSelector.parse("app in {'db', 'cache'}"))).isTrue();
    assertThat(CalicoSelection.contradicts(web, CalicoSelector.parse("app not in {'web'}"))).isTrue();
    assertThat(CalicoSelection.contradicts(web, CalicoSelector.parse("!has(app)"))).isTrue();
    assertThat(CalicoSelection.contradicts(web, CalicoSelector.parse("app starts with 'w'"))).isFalse();
    assertThat(CalicoSelection.contradicts(web, CalicoSelector.parse("app != 'db'"))).isFalse();
    assertThat(CalicoSelection.contradicts(CalicoSelector.parse("app in {'a', 'b'}"),
        CalicoSelector.parse("app in {'b', 'c'}"))).isFalse();
    assertThat(CalicoSelection.contradicts(CalicoSelector.parse("app in {'a'}"),
        CalicoSelector.parse("app not in {'a', 'b'}"))).isTrue();
  }

  @Test
  void aSuppressionCommentOnThePolicySilencesEachRule() {
    for (String[] c : new String[][] {
        {"NP260", "spec: {tier: nowhere, ingress: [{action: Allow}]}"},
        {"NP261", "spec: {ingress: [{action: Pass}]}"},
        {"NP262", "spec: {ingress: [{action: Deny}, {action: Allow}]}"},
        {"NP263", "spec: {ingress: [{action: Allow, source: {selector: has(a), notSelector: all()}}]}"},
        {"NP264", "spec: {ingress: [{action: Log}]}"}}) {
      String doc = String.join("\n", "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy",
          "metadata: {name: p, namespace: shop}", c[1], "");
      assertThat(findings(read(doc), c[0])).as(c[0]).hasSize(1);
      assertThat(findings(read("# netpolc: disable=" + c[0] + "\n" + doc), c[0])).as(c[0]).isEmpty();
    }
    String pair = String.join("\n", "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy",
        "metadata: {name: a, namespace: shop}", "spec: {order: 1, ingress: [{action: Deny}]}", "---",
        "# netpolc: disable=NP265", "apiVersion: projectcalico.org/v3", "kind: NetworkPolicy",
        "metadata: {name: b, namespace: shop}", "spec: {order: 1, ingress: [{action: Deny}]}", "");
    assertThat(findings(read(pair), "NP265")).isEmpty();
    assertThat(findings(read(pair.replace("# netpolc: disable=NP265", "# nothing")), "NP265")).hasSize(1);
  }
}
