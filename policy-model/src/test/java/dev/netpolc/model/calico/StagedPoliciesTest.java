package dev.netpolc.model.calico;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.validation.CalicoValidator;
import dev.netpolc.model.yaml.ReadResult;
import dev.netpolc.model.yaml.PolicyReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Staged policies promoted as Calico enforces them: Set replaces or adds the policy of the same
 * name, Delete removes it, Learn and Ignore change nothing, StagedKubernetesNetworkPolicy
 * replaces the Kubernetes NetworkPolicy of its name; everything else is left as it was.
 */
class StagedPoliciesTest {
  private static final String ENFORCED = """
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: backend, namespace: shop}
      spec:
        selector: app == 'backend'
        egress:
        - action: Allow
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: security.guard}
      spec:
        tier: security
        selector: all()
        ingress:
        - action: Pass
      ---
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: security}
      spec: {order: 100}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web, namespace: shop}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
      """;

  private static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString("c.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  private static String staged(String kind, String name, String namespace, String action) {
    return "---\napiVersion: projectcalico.org/v3\nkind: " + kind + "\nmetadata: {name: " + name
        + (namespace.isEmpty() ? "" : ", namespace: " + namespace) + "}\nspec:\n"
        + (action.isEmpty() ? "" : "  stagedAction: " + action + "\n")
        + (name.startsWith("security.") ? "  tier: security\n" : "")
        + "  selector: app == 'staged'\n  ingress:\n  - action: Deny\n";
  }

  @Test
  void setReplacesThePolicyOfTheSameNameInPlaceAndKeepsTheStagedPositions() {
    Cluster c = read(ENFORCED + staged("StagedNetworkPolicy", "backend", "shop", "Set"));
    assertThat(StagedPolicies.hasPreview(c)).isTrue();
    Cluster p = StagedPolicies.promote(c);
    List<CalicoPolicy> policies = p.calico().policies();
    assertThat(policies).extracting(CalicoPolicy::key)
        .containsExactly("NetworkPolicy/shop/backend", "GlobalNetworkPolicy/security.guard");
    CalicoPolicy promoted = policies.get(0);
    assertThat(promoted.kind()).isEqualTo(CalicoKind.NETWORK_POLICY);
    assertThat(promoted.staged()).isFalse();
    assertThat(promoted.stagedAction()).isEmpty();
    assertThat(promoted.ingress()).hasSize(1);
    assertThat(promoted.egress()).isEmpty();
    CalicoPolicy stagedOne = c.calico().stagedPolicies().get(0);
    assertThat(promoted.position()).isEqualTo(stagedOne.position());
    // Nothing else moved.
    assertThat(p.policies()).isEqualTo(c.policies());
    assertThat(p.calico().tiers()).isEqualTo(c.calico().tiers());
    assertThat(p.pods()).isEqualTo(c.pods());
    assertThat(StagedPolicies.hasPreview(p)).isFalse();
  }

  @Test
  void setWithoutAnEnforcedNamesakeAddsAGlobalPolicyAndTheDefaultActionIsSet() {
    Cluster c = read(ENFORCED + staged("StagedGlobalNetworkPolicy", "security.new", "", ""));
    Cluster p = StagedPolicies.promote(c);
    assertThat(p.calico().policies()).extracting(CalicoPolicy::key).containsExactly("NetworkPolicy/shop/backend",
        "GlobalNetworkPolicy/security.guard", "GlobalNetworkPolicy/security.new");
    assertThat(p.calico().policies().get(2).tier()).isEqualTo("security");
    assertThat(p.calico().enforcedPolicies()).hasSize(3);
  }

  @Test
  void deleteRemovesTheEnforcedPolicyOfThatNameOnlyInItsNamespace() {
    Cluster c = read(ENFORCED + staged("StagedGlobalNetworkPolicy", "security.guard", "", "Delete")
        + staged("StagedNetworkPolicy", "backend", "other", "Delete"));
    Cluster p = StagedPolicies.promote(c);
    assertThat(p.calico().policies()).extracting(CalicoPolicy::key).containsExactly("NetworkPolicy/shop/backend");
  }

  @Test
  void learnAndIgnorePreviewNothingAndStayStaged() {
    Cluster c = read(ENFORCED + staged("StagedNetworkPolicy", "backend", "shop", "Learn")
        + staged("StagedNetworkPolicy", "web", "shop", "Ignore"));
    assertThat(StagedPolicies.hasPreview(c)).isFalse();
    Cluster p = StagedPolicies.promote(c);
    assertThat(p.calico().enforcedPolicies()).isEqualTo(c.calico().enforcedPolicies());
    assertThat(p.calico().stagedPolicies()).isEqualTo(c.calico().stagedPolicies());
  }

  @Test
  void stagedKubernetesPolicyReplacesTheKubernetesPolicyOfItsName() {
    Cluster c = read(ENFORCED + """
        ---
        apiVersion: projectcalico.org/v3
        kind: StagedKubernetesNetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
        ---
        apiVersion: projectcalico.org/v3
        kind: StagedKubernetesNetworkPolicy
        metadata: {name: db, namespace: shop}
        spec:
          podSelector: {}
        """);
    assertThat(StagedPolicies.hasPreview(c)).isTrue();
    Cluster p = StagedPolicies.promote(c);
    assertThat(p.policies()).extracting(NetworkPolicy::key).containsExactly("shop/web", "shop/db");
    assertThat(p.policies().get(0).policyTypes()).containsExactly("Egress");
    assertThat(p.calico().stagedKubernetesPolicies()).isEmpty();
    assertThat(p.calico().enforcedPolicies()).isEqualTo(c.calico().enforcedPolicies());
  }

  @Test
  void stagedKubernetesPolicyDeleteRemovesAndLearnChangesNothing() {
    String delete = """
        ---
        apiVersion: projectcalico.org/v3
        kind: StagedKubernetesNetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          stagedAction: Delete
          podSelector: {}
        """;
    Cluster c = read(ENFORCED + delete);
    assertThat(c.calico().stagedKubernetesActions()).containsExactly("Delete");
    assertThat(StagedPolicies.hasPreview(c)).isTrue();
    assertThat(StagedPolicies.promote(c).policies()).isEmpty();
    Cluster learn = read(ENFORCED + delete.replace("Delete", "Learn"));
    assertThat(StagedPolicies.hasPreview(learn)).isFalse();
    assertThat(StagedPolicies.promote(learn).policies()).extracting(NetworkPolicy::key).containsExactly("shop/web");
    Cluster bad = read(ENFORCED + delete.replace("Delete", "Remove"));
    List<Diagnostic> d = new dev.netpolc.model.validation.Validator(dev.netpolc.model.validation.ValidationOptions.DEFAULT).validate(bad);
    assertThat(d).extracting(Diagnostic::ruleId).contains(CalicoValidator.ACTION_ID);
  }

  @Test
  void aClusterWithoutStagedPoliciesIsUnchanged() {
    Cluster c = read(ENFORCED);
    assertThat(StagedPolicies.hasPreview(c)).isFalse();
    assertThat(StagedPolicies.promote(c)).isEqualTo(c);
  }

  @Test
  void anUnknownStagedActionIsAValidationError() {
    Cluster c = read(ENFORCED + staged("StagedNetworkPolicy", "backend", "shop", "Replace"));
    List<Diagnostic> d = CalicoValidator.validate(c.calico());
    assertThat(d).extracting(Diagnostic::ruleId).containsExactly(CalicoValidator.ACTION_ID);
    assertThat(d.get(0).message()).contains("spec.stagedAction").contains("Replace");
    assertThat(CalicoValidator.validate(read(ENFORCED + staged("StagedNetworkPolicy", "b", "shop", "Delete"))
        .calico())).isEmpty();
  }
}
