package dev.netpolc.model.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.SourceMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** NP255: overlapping subjects at one tier and priority, with and without inventory. */
class EqualPriorityOverlapTest {
  private static final List<ClusterPolicyRule> INGRESS = List.of(new ClusterPolicyRule(Optional.empty(), "Deny",
      List.of(ClusterPolicyPeer.namespaces(LabelSelector.EVERYTHING)), Optional.empty()));

  @Test
  void reportsExactlyTheMarkedLinesWithInventory() {
    List<Diagnostic> found = LintFixtures.assertMarked("np255-equal-priority-overlap.yaml", "NP255");
    assertThat(found.get(0).message()).contains("cnp:a-shop").contains("shop/web-1")
        .contains("netpolc evaluates cnp:a-shop first").endsWith("(cnp:b-web)");
    assertThat(found.get(1).message()).contains("cnp:a-shop, cnp:b-web").endsWith("(anp:a-legacy)");
    assertThat(found.get(1).related()).extracting(r -> r.position().line()).hasSize(2);
  }

  @Test
  void withoutInventoryOnlyEqualSubjectsOverlap() {
    LabelSelector shop = LabelSelector.ofLabels(Map.of("team", "shop"));
    ClusterNetworkPolicy a = ClusterNetworkPolicy.of("a", PolicyTier.BASELINE, 3, ClusterPolicySubject.namespaces(shop),
        INGRESS, List.of());
    // pods of every pod selector in the same namespaces: the same subject
    ClusterNetworkPolicy b = ClusterNetworkPolicy.of("b", PolicyTier.BASELINE, 3,
        ClusterPolicySubject.pods(shop, LabelSelector.EVERYTHING), INGRESS, List.of());
    ClusterNetworkPolicy narrower = ClusterNetworkPolicy.of("c", PolicyTier.BASELINE, 3,
        ClusterPolicySubject.pods(shop, LabelSelector.ofLabels(Map.of("app", "web"))), INGRESS, List.of());
    AdminNetworkPolicy admin = new AdminNetworkPolicy("z", 3, ClusterPolicySubject.namespaces(shop), INGRESS.stream()
        .map(r -> new dev.netpolc.model.npa.AnpRule(r.name(), "Deny", r.peers(), Optional.empty()))
        .collect(Collectors.toList()), List.of(), SourceMap.EMPTY, Set.of());
    Cluster c = Cluster.EMPTY.withTieredPolicies(List.of(narrower, b, a), List.of(admin), List.of());
    List<String> found = new Linter(LintConfig.DEFAULT).lint(c).findings().stream()
        .filter(d -> d.ruleId().equals("NP255")).map(Diagnostic::message).collect(Collectors.toList());
    // b is later than a (same kind, by name); the Admin one is another tier; c's subject differs.
    assertThat(found).singleElement().satisfies(m -> assertThat(m).contains("as cnp:a").endsWith("(cnp:b)"));
  }

  @Test
  void aSuppressionCommentOnTheLaterPolicySilencesIt() {
    String text = String.join("\n", "apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: a}",
        "spec: {tier: Admin, priority: 1, subject: {namespaces: {}}, ingress: [{action: Deny, from: [{namespaces: {}}]}]}",
        "---", "# netpolc: disable=NP255", "apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: b}",
        "spec: {tier: Admin, priority: 1, subject: {namespaces: {}}, ingress: [{action: Deny, from: [{namespaces: {}}]}]}",
        "");
    Cluster c = new dev.netpolc.model.yaml.PolicyReader().readString("s.yaml", text).cluster();
    assertThat(new Linter(LintConfig.DEFAULT).lint(c).findings()).noneMatch(d -> d.ruleId().equals("NP255"));
    Cluster unsuppressed = new dev.netpolc.model.yaml.PolicyReader()
        .readString("s.yaml", text.replace("# netpolc: disable=NP255", "# nothing")).cluster();
    assertThat(new Linter(LintConfig.DEFAULT).lint(unsuppressed).findings()).filteredOn(d -> d.ruleId().equals("NP255"))
        .singleElement().satisfies(d -> assertThat(d.position().line()).isEqualTo(10));
  }
}
