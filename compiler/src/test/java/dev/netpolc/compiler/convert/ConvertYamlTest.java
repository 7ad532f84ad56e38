package dev.netpolc.compiler.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link ConvertYaml}: annotations, escaping, file names, and text the reader reads back. */
class ConvertYamlTest {
  private static final NetworkPolicy NP = NetworkPolicy.of("shop", "web",
      LabelSelector.ofLabels(Map.of("app", "web")), List.of("Ingress"), List.of(), List.of());
  private static final ClusterNetworkPolicy CNP = ClusterNetworkPolicy.of("deny-all", PolicyTier.BASELINE, 7,
      ClusterPolicySubject.namespaces(LabelSelector.EVERYTHING), List.of(), List.of(new ClusterPolicyRule(
          Optional.of("all"), "Deny", List.of(ClusterPolicyPeer.networks(List.of("0.0.0.0/0"))), Optional.empty())));

  @Test
  void annotatesTheSourceAndReadsBack() {
    ConvertedObject np = new ConvertedObject.NetworkPolicyObject(NP, Provenance.of("NetworkPolicy", "shop", "web"),
        Exactness.EXACT, List.of());
    ConvertedObject cnp = new ConvertedObject.ClusterPolicyObject(CNP,
        Provenance.of("BaselineAdminNetworkPolicy", "", "default"), Exactness.INVENTORY_DEPENDENT,
        List.of("priority 7: after \"every\" other\nBaseline policy"));
    String yaml = ConvertYaml.stream(List.of(np, cnp));
    assertThat(yaml).startsWith("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
        + "  annotations:\n    netpolc.dev/converted-from: \"NetworkPolicy/shop/web\"\n  name: web\n");
    assertThat(yaml).contains("    netpolc.dev/converted-from: \"BaselineAdminNetworkPolicy/default\"\n"
        + "    netpolc.dev/conversion: \"inventory-dependent\"\n"
        + "    netpolc.dev/conversion-notes: \"priority 7: after \\\"every\\\" other\\nBaseline policy\"\n");
    ReadResult r = new PolicyReader().readString("x.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().policies()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("shop/web");
      assertThat(p.podSelector()).isEqualTo(NP.podSelector());
    });
    assertThat(r.cluster().clusterNetworkPolicies()).singleElement().satisfies(p -> {
      assertThat(p.priority()).isEqualTo(7);
      assertThat(p.egress()).isEqualTo(CNP.egress());
    });
    assertThat(ConvertYaml.stream(List.of(np, cnp))).isEqualTo(yaml);
  }

  @Test
  void fileNamesNameKindNamespaceAndName() {
    assertThat(ConvertYaml.fileName(new ConvertedObject.NetworkPolicyObject(NP, Provenance.of("NetworkPolicy", "shop",
        "web"), Exactness.EXACT, List.of()))).isEqualTo("networkpolicy-shop-web.yaml");
    assertThat(ConvertYaml.fileName(new ConvertedObject.ClusterPolicyObject(CNP, Provenance.of("AdminNetworkPolicy",
        "", "x"), Exactness.EXACT, List.of()))).isEqualTo("clusternetworkpolicy-deny-all.yaml");
  }

  @Test
  void quotingEscapesWhatCouldEndOrBendTheScalar() {
    assertThat(ConvertYaml.quoted("a\"b\\c\u0000\u2028\ud800")).isEqualTo("\"a\\\"b\\\\c\\u0000\\u2028\\ud800\"");
    assertThat(ConvertYaml.quoted("plain: # not a comment")).isEqualTo("\"plain: # not a comment\"");
  }

  @Test
  void namesAreDns1123AndUnique() {
    assertThat(ObjectNames.sanitise("Allow_DNS..Now-")).isEqualTo("allow-dns.now");
    assertThat(ObjectNames.sanitise("--")).isEqualTo("converted");
    assertThat(ObjectNames.sanitise("x".repeat(300))).hasSize(ObjectNames.MAX);
    ObjectNames names = new ObjectNames();
    assertThat(names.reserve("default")).isTrue();
    assertThat(names.unique("default")).isEqualTo("default-2");
    assertThat(names.unique("Default")).isEqualTo("default-3");
    assertThat(names.unique("y".repeat(253))).hasSize(253);
    assertThat(names.unique("y".repeat(253))).hasSize(253).endsWith("-2");
  }
}
