package dev.netpolc.compiler.convert;

import static dev.netpolc.compiler.convert.ConvertedDecisions.read;
import static dev.netpolc.compiler.convert.ConvertedDecisions.sameDecisions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Calico selectors and named ports converted to ClusterNetworkPolicy and NetworkPolicy, one test
 * per construct: each accepted conversion is proved ({@link Conversion#accepted()}), decides every
 * probe as the source on the inventory it was proved on and, when it is exact, on a second
 * inventory with new pods and a new namespace; what cannot be said is refused naming the selector,
 * label or pod.
 */
class CalicoSelectorConversionTest {
  private static final SemanticsOptions OPTIONS = ConvertedDecisions.OPTIONS;

  private static final String INVENTORY = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: x, apps: 'true'}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: ops, labels: {team: y, role: edge}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: lab, labels: {team: z}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web, tier: front}}
      spec: {nodeName: n1, containers: [{name: c, ports: [{name: metrics, containerPort: 9090}]}]}
      status: {podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db, tier: back}}
      spec: {nodeName: n1, containers: [{name: c, ports: [{name: metrics, containerPort: 9100}]}]}
      status: {podIP: 10.0.0.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: mon, namespace: ops, labels: {app: mon}}
      spec: {nodeName: n2}
      status: {podIP: 10.0.0.3}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: probe, namespace: lab, labels: {app: webhook}}
      spec: {nodeName: n2}
      status: {podIP: 10.0.0.4}
      """;

  /** New pods (in a new namespace too) the conversion was not proved on. */
  private static final String MORE_PODS = """
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: edge, labels: {role: edge}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web2, namespace: ops, labels: {app: web, tier: back}}
      spec: {nodeName: n2, containers: [{name: c, ports: [{name: metrics, containerPort: 9200}]}]}
      status: {podIP: 10.0.1.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: gw, namespace: edge, labels: {app: gw}}
      spec: {nodeName: n1}
      status: {podIP: 10.0.1.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: cache, namespace: shop, labels: {app: cache}}
      spec: {nodeName: n1}
      status: {podIP: 10.0.1.3}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: webapp, namespace: lab, labels: {app: webapp}}
      spec: {nodeName: n2}
      status: {podIP: 10.0.1.4}
      """;

  private static final String TIER = """
      ---
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: sec}
      spec: {order: 100}
      """;

  private static Conversion convert(String policies, ConvertTarget target) {
    return Converter.convert(ConverterTest.readString(INVENTORY + "---\n" + policies), target, false, OPTIONS);
  }

  /** Converted, proved, decided alike on the inventory; returns the objects read back. */
  private static Cluster accepted(String policies, ConvertTarget target, Conversion c) {
    assertThat(c.refusals()).isEmpty();
    assertThat(c.accepted()).isTrue();
    Cluster back = read(c.yaml());
    sameDecisions(ConverterTest.readString(INVENTORY + "---\n" + policies), back, false);
    return back;
  }

  /** As {@link #accepted}, exact: also decided alike with new pods and a new namespace. */
  private static Cluster exact(String policies, ConvertTarget target) {
    Conversion c = convert(policies, target);
    Cluster back = accepted(policies, target, c);
    assertThat(c.inventoryDependent()).isFalse();
    sameDecisions(ConverterTest.readString(INVENTORY + MORE_PODS + "---\n" + policies), back, false);
    return back;
  }

  // --- || and negation: exact ---

  @Test
  void aSubjectWithOrIsOnePolicyPerAlternativeInARowWithItsEndOfTierDenies() {
    String policies = """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: app == 'web' || tier == 'back'
          types: [Egress]
          egress:
          - action: Deny
            protocol: TCP
            destination: {selector: app == 'mon', namespaceSelector: all(), ports: [80]}
          - action: Allow
            destination: {selector: all(), namespaceSelector: team == 'x'}
        """ + TIER;
    Cluster back = exact(policies, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(back.clusterNetworkPolicies()).extracting(ClusterNetworkPolicy::name, ClusterNetworkPolicy::priority)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("sec.x", 0),
            org.assertj.core.groups.Tuple.tuple("sec.x-2", 1),
            org.assertj.core.groups.Tuple.tuple("sec.x.end-of-tier", 2),
            org.assertj.core.groups.Tuple.tuple("sec.x.end-of-tier-2", 3));
    assertThat(back.clusterNetworkPolicies().get(0).egress()).isEqualTo(back.clusterNetworkPolicies().get(1).egress());
  }

  @Test
  void negationIsPushedToTheTestsByDeMorgan() {
    String policies = """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: "!(app == 'web' && has(tier)) && !(app in {'mon'} || app not in {'db', 'web', 'mon'})"
          types: [Egress]
          egress:
          - action: Deny
            destination: {selector: "!(tier != 'back' || !has(app))", namespaceSelector: all()}
          - action: Allow
        """ + TIER;
    Cluster back = exact(policies, ConvertTarget.CLUSTER_NETWORK_POLICY);
    // !(a && b) gives two alternatives: app != web, or !has(tier).
    assertThat(back.clusterNetworkPolicies()).hasSize(2);
    String yaml = convert(policies, ConvertTarget.CLUSTER_NETWORK_POLICY).yaml();
    assertThat(yaml).contains("operator: DoesNotExist").contains("operator: NotIn").contains("operator: Exists");
  }

  @Test
  void aPeerWithOrIsOnePeerPerPairOfAlternatives() {
    String policies = """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: all()
          types: [Egress]
          egress:
          - action: Deny
            destination: {selector: app == 'db' || app == 'mon', namespaceSelector: apps == 'true' || role == 'edge'}
          - action: Allow
        """ + TIER;
    Cluster back = exact(policies, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(back.clusterNetworkPolicies()).singleElement()
        .satisfies(p -> assertThat(p.egress().get(0).peers()).hasSize(4));
  }

  @Test
  void whatSelectsNothingIsLeftOut() {
    String policies = """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.nobody}
        spec:
          tier: sec
          selector: "!all()"
          ingress: [{action: Allow, source: {selector: "has(x) && !has(x) || app in {}"}}]
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: all()
          types: [Egress]
          egress:
          - action: Deny
            destination: {selector: "!all()"}
          - action: Allow
        """ + TIER;
    Cluster back = exact(policies, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(back.clusterNetworkPolicies()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("sec.x");
      assertThat(p.egress()).singleElement().satisfies(r -> assertThat(r.action()).isEqualTo("Accept"));
    });
  }

  @Test
  void aDefaultTierPolicyWithOrIsOneNetworkPolicyPerAlternative() {
    String policies = """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          selector: app == 'web' || tier == 'back'
          ingress:
          - action: Allow
            protocol: TCP
            source: {selector: "!(app in {'web', 'db'})", namespaceSelector: "team == 'y' || has(apps)"}
            destination: {ports: [metrics]}
          - action: Allow
            source: {selector: "projectcalico.org/namespace == 'shop' && app == 'db'"}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: calico.web, namespace: shop}
        spec: {podSelector: {matchLabels: {app: none}}, policyTypes: [Ingress]}
        """;
    for (ConvertTarget t : List.of(ConvertTarget.NETWORK_POLICY, ConvertTarget.CLUSTER_NETWORK_POLICY)) {
      Cluster back = exact(policies, t);
      assertThat(back.policies()).extracting(p -> p.name()).containsExactly("calico.web", "calico.web-2",
          "calico.web-3");
      assertThat(back.policies().get(1).ingress()).hasSize(2)
          .satisfies(rules -> assertThat(rules.get(0).peers()).hasSize(2));
    }
  }

  @Test
  void alternativesAndInventoryMarksCarryThroughToCilium() {
    String exactPolicy = """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: "!(app == 'web') || tier == 'front'"
          types: [Egress]
          egress:
          - action: Deny
            destination: {selector: app == 'db' || app == 'mon', namespaceSelector: all()}
          - action: Allow
        """ + TIER;
    Cluster back = exact(exactPolicy, ConvertTarget.CILIUM);
    assertThat(back.cilium().policies()).isNotEmpty();
    String dependent = exactPolicy.replace("tier == 'front'", "tier starts with 'fr'");
    Conversion c = convert(dependent, ConvertTarget.CILIUM);
    accepted(dependent, ConvertTarget.CILIUM, c);
    // Marked; the chain's own note says the ClusterNetworkPolicies listed today's inventory.
    assertThat(c.inventoryDependent()).isTrue();
    assertThat(c.yaml()).contains("netpolc.dev/conversion: \"inventory-dependent\"");
  }

  // --- Calico's own labels ---

  @Test
  void calicosPodLabelsMapToTheNamespaceOrAreDecided() {
    String policies = """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: projectcalico.org/namespace in {'shop', 'ops'} && projectcalico.org/orchestrator == 'k8s'
          types: [Egress]
          egress:
          - action: Deny
            destination: {selector: "projectcalico.org/namespace != 'shop' && has(app)"}
          - action: Deny
            destination: {selector: "projectcalico.org/orchestrator != 'k8s'"}
          - action: Allow
        """ + TIER;
    Cluster back = exact(policies, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(back.clusterNetworkPolicies()).singleElement().satisfies(p -> {
      assertThat(p.subject().toString()).contains("kubernetes.io/metadata.name");
      assertThat(p.egress()).hasSize(2); // the orchestrator rule matches nothing: left out
    });
  }

  @Test
  void serviceAccountLabelsAndSelectorsAreRefusedNamingTheLabel() {
    Conversion c = convert("""
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: app == 'web' || projectcalico.org/serviceaccount == 'default'
          egress: [{action: Pass}]
        """ + TIER, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(c.accepted()).isFalse();
    assertThat(c.refusals()).singleElement().satisfies(r -> {
      assertThat(r.source().rule()).isEqualTo("spec.selector");
      assertThat(r.position().isKnown()).isTrue();
      assertThat(r.reason()).contains("projectcalico.org/serviceaccount").contains("spec.selector '");
    });
  }

  // --- Expansion cap ---

  @Test
  void aSelectorExpandingBeyondTheCapIsRefusedNamingIt() {
    StringBuilder sel = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      sel.append(i == 0 ? "" : " && ").append("(k").append(i).append(" == 'a' || k").append(i).append(" == 'b')");
    }
    Conversion c = convert("""
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: all()
          types: [Egress]
          egress:
          - action: Deny
            destination: {selector: "%s"}
          - action: Allow
        """.formatted(sel) + TIER, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(c.refusals()).singleElement().satisfies(r -> {
      assertThat(r.source().rule()).isEqualTo("spec.egress[0]");
      assertThat(r.reason()).contains("k6 == \"a\"").contains("more than 64 alternatives");
    });
  }

  // --- Rewritten from the inventory ---

  @Test
  void startsWithContainsAndEndsWithAreTodaysValuesAndInventoryDependent() {
    String policies = """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: app starts with 'web' || app contains 'zzz'
          types: [Egress]
          egress:
          - action: Deny
            destination: {selector: "!(app ends with 'b')", namespaceSelector: "team contains 'x'"}
          - action: Allow
        """ + TIER;
    Conversion c = convert(policies, ConvertTarget.CLUSTER_NETWORK_POLICY);
    Cluster back = accepted(policies, ConvertTarget.CLUSTER_NETWORK_POLICY, c);
    assertThat(c.inventoryDependent()).isTrue();
    // 'contains zzz' matches no value today: that alternative is left out.
    assertThat(back.clusterNetworkPolicies()).singleElement().satisfies(p ->
        assertThat(p.subject().toString()).contains("web").contains("webhook"));
    assertThat(c.yaml()).contains("netpolc.dev/conversion: \"inventory-dependent\"")
        .contains("app starts with \\\"web\\\" is app in (web, webhook)")
        .contains("!(app ends with \\\"b\\\") is app not in (db, web)")
        .contains("team contains \\\"x\\\" is team in (x)");
    // A new pod labelled app=webapp is not selected by the conversion: it does not follow new pods.
    Cluster more = ConverterTest.readString(INVENTORY + MORE_PODS + "---\n" + policies);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sameDecisions(more, back, false))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void aStringMatchOnThePodsNamespaceIsTodaysNamespaceNames() {
    String policies = """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: sec.x}
        spec:
          tier: sec
          selector: all()
          types: [Egress]
          egress:
          - action: Deny
            destination: {selector: "projectcalico.org/namespace starts with 's' && has(app)"}
          - action: Allow
        """ + TIER;
    Conversion c = convert(policies, ConvertTarget.CLUSTER_NETWORK_POLICY);
    accepted(policies, ConvertTarget.CLUSTER_NETWORK_POLICY, c);
    assertThat(c.inventoryDependent()).isTrue();
    assertThat(c.yaml()).contains("selector '(projectcalico.org/namespace starts with \\\"s\\\" && has(app))':"
        + " kubernetes.io/metadata.name starts with \\\"s\\\" is kubernetes.io/metadata.name in (shop)");
  }

  @Test
  void inventoryRewritesInNetworkPoliciesAreMarkedToo() {
    String policies = """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          selector: app ends with 'b'
          ingress: [{action: Allow, source: {selector: app starts with 'm', namespaceSelector: all()}}]
        """;
    Conversion c = convert(policies, ConvertTarget.NETWORK_POLICY);
    accepted(policies, ConvertTarget.NETWORK_POLICY, c);
    assertThat(c.inventoryDependent()).isTrue();
    // Pod values in scope: the policy's selector sees shop's pods only (web, db), the rule every namespace's.
    assertThat(c.yaml()).contains("app ends with \\\"b\\\" is app in (db, web)")
        .contains("app starts with \\\"m\\\" is app in (mon)");
  }

  // --- Named ports with a protocol ---

  private static final String NAMED_PORT = """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: sec.monitoring}
      spec:
        tier: sec
        selector: has(app)
        types: [Ingress]
        ingress:
        - action: Allow
          protocol: TCP
          source: {selector: app == 'mon', namespaceSelector: all()}
          destination: {ports: [metrics, 8080]}
        - action: Deny
          source: {selector: all(), namespaceSelector: all()}
        - action: Pass
      """ + TIER;

  @Test
  void aNamedPortWithAProtocolIsDestinationNamedPortAndInventoryDependent() {
    Conversion c = convert(NAMED_PORT, ConvertTarget.CLUSTER_NETWORK_POLICY);
    accepted(NAMED_PORT, ConvertTarget.CLUSTER_NETWORK_POLICY, c);
    assertThat(c.inventoryDependent()).isTrue();
    assertThat(c.yaml()).contains("destinationNamedPort: metrics").contains("named port metrics on TCP");
  }

  @Test
  void aNamedPortAPodDeclaresOnAnotherProtocolIsRefusedNamingThePod() {
    String udp = """
        apiVersion: v1
        kind: Pod
        metadata: {name: stats, namespace: ops, labels: {app: stats}}
        spec: {nodeName: n1, containers: [{name: c, ports: [{name: metrics, containerPort: 8125, protocol: UDP}]}]}
        status: {podIP: 10.0.0.9}
        ---
        """;
    Conversion c = convert(udp + NAMED_PORT, ConvertTarget.CLUSTER_NETWORK_POLICY);
    assertThat(c.accepted()).isFalse();
    assertThat(c.refusals()).singleElement().satisfies(r -> {
      assertThat(r.source().toString()).isEqualTo("projectcalico.org GlobalNetworkPolicy/sec.monitoring rule"
          + " spec.ingress[0]");
      assertThat(r.reason()).contains("named port metrics: pod ops/stats declares it on UDP");
    });
  }
}
