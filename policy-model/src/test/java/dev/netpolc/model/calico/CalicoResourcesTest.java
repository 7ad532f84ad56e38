package dev.netpolc.model.calico;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import org.junit.jupiter.api.Test;

/** The lookups and orders the evaluators use: tiers and policies in Calico's order, services, CIDRs. */
class CalicoResourcesTest {
  private static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString("r.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  private static String policy(String name, String tier, String order) {
    return "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: " + name + "}\nspec: {tier: "
        + tier + (order == null ? "" : ", order: " + order) + "}\n---\n";
  }

  @Test
  void tiersAndPoliciesInCalicoOrder() {
    Cluster c = read(policy("z", "default", null) + policy("b", "default", "10") + policy("a", "default", "10")
        + policy("c", "default", "2.5") + policy("y", "default", null) + policy("s", "security", "1")
        + "apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\nmetadata: {name: st}\nspec: {order: 0}\n"
        + "---\napiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n"
        + "---\napiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: unordered}\n"
        + "---\napiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: kube-admin}\n"
        + "spec: {order: 1000, defaultAction: Pass}\n");
    CalicoResources calico = c.calico();
    assertThat(calico.policiesInTier("default")).extracting(CalicoPolicy::name).containsExactly("c", "a", "b", "y", "z");
    assertThat(calico.policiesInTier("security")).extracting(CalicoPolicy::name).containsExactly("s");
    assertThat(calico.tiersInOrder()).extracting(CalicoTier::name)
        .containsExactly("security", "kube-admin", "default", "kube-baseline", "unordered");
    assertThat(calico.tiersInOrder().get(1).source().objectPosition().isKnown()).isTrue();
    assertThat(calico.tier("default")).contains(CalicoTier.DEFAULT);
    assertThat(calico.tier("missing")).isEmpty();
  }

  @Test
  void servicesAccountsAndSlicesByName() {
    Cluster c = read("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n---\n"
        + "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: a-1, namespace: shop, labels: "
        + "{kubernetes.io/service-name: a}}\naddressType: IPv6\nendpoints: [{addresses: ['fd00::1']}]\n---\n"
        + "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: a-2, namespace: shop, labels: "
        + "{kubernetes.io/service-name: a}}\naddressType: IPv4\nendpoints: [{addresses: [10.0.0.1]}]\n---\n"
        + "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: a-3, namespace: other, labels: "
        + "{kubernetes.io/service-name: a}}\naddressType: FQDN\nendpoints: [{addresses: [db.example.com]}]\n");
    CalicoResources calico = c.calico();
    assertThat(calico.serviceAccount("shop", "web")).isPresent();
    assertThat(calico.serviceAccount("other", "web")).isEmpty();
    assertThat(calico.endpointSlices("shop", "a")).extracting(EndpointSlice::name).containsExactly("a-1", "a-2");
    assertThat(calico.endpointSlices("other", "a")).singleElement()
        .satisfies(e -> assertThat(e.addresses()).isEmpty());
    assertThat(new ServiceMatch("a", "").namespaceOr("shop")).isEqualTo("shop");
    assertThat(new ServiceMatch("a", "x").namespaceOr("shop")).isEqualTo("x");
  }

  @Test
  void cidrsOfRulesAndNetworkSets() {
    Cluster c = read("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata: {name: s}\n"
        + "spec: {nets: [10.0.0.1/8, 192.0.2.9, 'fd00::/64']}\n");
    assertThat(c.calico().networkSets().get(0).cidrs()).containsExactly(Cidr.of("10.0.0.0/8"),
        Cidr.of("192.0.2.9/32"), Cidr.of("fd00::/64"));
    EntityRule e = new EntityRule(java.util.List.of("10.1.0.0/16"), java.util.List.of("10.1.2.0/24"),
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
        java.util.Optional.empty(), java.util.List.of(), java.util.List.of());
    assertThat(e.netCidrs()).containsExactly(Cidr.of("10.1.0.0/16"));
    assertThat(e.notNetCidrs()).containsExactly(Cidr.of("10.1.2.0/24"));
    assertThat(e.isEmpty()).isFalse();
  }
}
