package dev.netpolc.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {
  private static final PolicyRule ANY = new PolicyRule(List.of(), List.of());

  /** The shortcuts answer what the effective types say, for every spelling the API allows and some it does not. */
  @Test
  void isolationFollowsTheEffectivePolicyTypes() {
    List<List<String>> typeLists = List.of(List.of(), List.of("Ingress"), List.of("Egress"),
        List.of("Ingress", "Egress"), List.of("Egress", "Ingress"), List.of("ingress"), List.of("Bogus", "Egress"));
    int checked = 0;
    for (List<String> types : typeLists) {
      for (List<PolicyRule> egress : List.of(List.<PolicyRule>of(), List.of(ANY))) {
        NetworkPolicy p = NetworkPolicy.of("ns", "p", LabelSelector.ofLabels(Map.of()), types, List.of(ANY), egress);
        assertThat(p.isolatesIngress()).as("%s %s", types, egress)
            .isEqualTo(p.effectivePolicyTypes().contains(PolicyType.Ingress));
        assertThat(p.isolatesEgress()).as("%s %s", types, egress)
            .isEqualTo(p.effectivePolicyTypes().contains(PolicyType.Egress));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(14);
    NetworkPolicy implicit = NetworkPolicy.of("ns", "p", LabelSelector.ofLabels(Map.of()), List.of(), List.of(),
        List.of(ANY));
    assertThat(implicit.isolatesIngress()).isTrue();
    assertThat(implicit.isolatesEgress()).isTrue();
    NetworkPolicy lowercase = NetworkPolicy.of("ns", "p", LabelSelector.ofLabels(Map.of()), List.of("ingress"),
        List.of(), List.of());
    assertThat(lowercase.isolatesIngress()).isFalse();
  }
}
