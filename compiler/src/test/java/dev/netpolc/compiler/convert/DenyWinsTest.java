package dev.netpolc.compiler.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.LabelSelectorRequirement.Operator;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cilium's "a deny wins over every allow" against a tier's "the first match wins", in
 * {@code --to cilium} ({@link DenyWinsCheck}): an Accept that a later Deny covers is refused up
 * front, whatever today's pods; one that a later Deny may overlap is inventory-dependent and
 * proved on today's pods; one disjoint from every later Deny stays exact.
 */
class DenyWinsTest {
  private static final SemanticsOptions OPTIONS = SemanticsOptions.DEFAULTS;
  private static final String INVENTORY = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: a, labels: {tenant: x}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: b, labels: {tenant: y}}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      spec: {podCIDRs: [10.0.1.0/24]}
      status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: a, labels: {app: web}}
      spec: {nodeName: n1, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
      status: {phase: Running, podIPs: [{ip: 10.0.1.10}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: b, labels: {app: client}}
      spec: {nodeName: n1, containers: [{name: c}]}
      status: {phase: Running, podIPs: [{ip: 10.0.1.20}]}
      """;

  /** A pod in namespace b that both the Accept and the Deny of {@link #MAYBE_OVERLAPPING} match. */
  private static final String DB_IN_B = """
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: b, labels: {app: db}}
      spec: {nodeName: n1, containers: [{name: c}]}
      status: {phase: Running, podIPs: [{ip: 10.0.1.30}]}
      """;

  /** Accept from tenant y, then Deny from app=db anywhere: they meet only at a db pod in tenant y. */
  private static final String MAYBE_OVERLAPPING = """
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata: {name: from-y}
      spec:
        tier: Admin
        priority: 1
        subject: {namespaces: {}}
        ingress:
        - action: Accept
          from: [{namespaces: {matchLabels: {tenant: y}}}]
      ---
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata: {name: no-db}
      spec:
        tier: Admin
        priority: 2
        subject: {namespaces: {}}
        ingress:
        - action: Deny
          from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}]
      """;

  private static Cluster cluster(String inventory, String policies) {
    ReadResult r = new PolicyReader().readString("test.yaml", inventory + "---\n" + policies);
    assertThat(r.errors()).isEmpty();
    assertThat(AcceptanceGate.DEFAULT.check(r.cluster()).accepted()).as("%s", r.cluster()).isTrue();
    return r.cluster();
  }

  private static Conversion toCilium(String inventory, String policies) {
    return Converter.convert(cluster(inventory, policies), ConvertTarget.CILIUM, false, OPTIONS);
  }

  private static String tiers(String firstEgress, String laterEgress) {
    return """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: first}
        spec:
          tier: Admin
          priority: 1
          subject: {namespaces: {}}
          egress:
          - action: Accept
        %s
        ---
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: later}
        spec:
          tier: Baseline
          priority: 1
          subject: {namespaces: {}}
          egress:
          - action: Deny
        %s
        """.formatted(firstEgress.indent(4).stripTrailing(), laterEgress.indent(4).stripTrailing());
  }

  /**
   * The case found by CalicoConversionTest (seed 13483929407397): a tier before default allows TCP
   * 80 to anywhere and ends in Deny. Its only pod has no address, so the proof sees no connection;
   * the construction alone refuses it, naming the Accept and the end-of-tier Deny.
   */
  @Test
  void calicoAllowBeforeTheEndOfTierDenyIsRefusedUpFront() {
    String noAddress = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: n1}
        status: {addresses: [{type: InternalIP, address: 192.0.2.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p0, namespace: a, labels: {app: web}}
        spec: {nodeName: n1, containers: [{name: main}]}
        status: {phase: Running}
        """;
    String calico = """
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: t0}
        spec: {order: 100}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: t0.p0}
        spec:
          tier: t0
          order: 10
          selector: all()
          types: [Egress]
          egress:
          - action: Allow
            protocol: TCP
            destination: {ports: [80]}
        """;
    Conversion c = toCilium(noAddress, calico);
    assertThat(c.accepted()).isFalse();
    assertThat(c.yaml()).isEmpty();
    assertThat(c.refusals()).singleElement().satisfies(r -> {
      assertThat(r.source().name()).isEqualTo("t0.p0");
      assertThat(r.reason()).startsWith("Cilium's denies win over every allow: the later Deny ClusterNetworkPolicy/"
          + "t0.p0.end-of-tier rule spec.egress[0] matches every connection this Accept matches");
    });
    // The same policies to ClusterNetworkPolicy keep the order, and stay exact.
    Conversion cnp = Converter.convert(cluster(noAddress, calico), ConvertTarget.CLUSTER_NETWORK_POLICY, false,
        OPTIONS);
    assertThat(cnp.refusals()).isEmpty();
  }

  @Test
  void withApproximateTheCoveredAcceptIsWrittenMarkedAndWhatItLosesReported() {
    String policies = tiers("""
        to: [{namespaces: {matchLabels: {tenant: y}}}]
        protocols: [{tcp: {destinationPort: {number: 80}}}]
        """, """
        to: [{namespaces: {}}]
        """);
    Conversion c = Converter.convert(cluster(INVENTORY, policies), ConvertTarget.CILIUM, true, OPTIONS);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.objects()).filteredOn(o -> o.name().equals("first")).singleElement().satisfies(o -> {
      assertThat(o.exactness()).isEqualTo(Exactness.APPROXIMATE);
      assertThat(o.notes()).anySatisfy(n -> assertThat(n).startsWith("spec.egress[0]: approximate: under Cilium the"
          + " later Deny ClusterNetworkPolicy/later rule spec.egress[0]"));
    });
    assertThat(c.yaml()).contains("netpolc.dev/conversion: \"approximate\"");
    // web (tenant x) to client (tenant y) on TCP 80: allowed by the source, denied under Cilium.
    assertThat(c.approximate()).isTrue();
    assertThat(c.lost()).extracting(Converter::describe).anySatisfy(d -> assertThat(d)
        .startsWith("newly denied: a all pods -> b all pods on TCP 80"));
  }

  @Test
  void anAcceptCoveredByALaterDenyIsRefusedNamingBoth() {
    // Subject {} covers every subject, namespaces: {} every pod peer, no protocols every port.
    Conversion c = toCilium(INVENTORY, tiers("""
        to: [{pods: {namespaceSelector: {matchLabels: {tenant: y}}, podSelector: {matchLabels: {app: client}}}}]
        protocols: [{tcp: {destinationPort: {range: {start: 8000, end: 8080}}}}]
        """, """
        to: [{namespaces: {}}]
        """));
    assertThat(c.refusals()).singleElement().satisfies(r -> {
      assertThat(r.source().toString()).isEqualTo("ClusterNetworkPolicy/first rule spec.egress[0]");
      assertThat(r.position().isKnown()).isTrue();
      assertThat(r.reason()).contains("the later Deny ClusterNetworkPolicy/later rule spec.egress[0]");
    });
    // CIDR containment and port-range containment cover too.
    Conversion cidrs = toCilium(INVENTORY, tiers("""
        to: [{networks: [203.0.113.0/25]}]
        protocols: [{udp: {destinationPort: {number: 53}}}]
        """, """
        to: [{networks: [203.0.113.0/24, 198.51.100.0/24]}]
        protocols: [{udp: {destinationPort: {range: {start: 1, end: 1024}}}}]
        """));
    assertThat(cidrs.refusals()).singleElement().satisfies(r -> assertThat(r.reason())
        .startsWith("Cilium's denies win over every allow"));
  }

  @Test
  void anAcceptDisjointFromEveryLaterDenyStaysExactAndIsProved() {
    List<List<String>> disjoint = List.of(
        // other ports
        List.of("""
            to: [{namespaces: {}}]
            protocols: [{tcp: {destinationPort: {number: 8080}}}]
            """, """
            to: [{namespaces: {}}]
            protocols: [{udp: {destinationPort: {number: 8080}}}, {tcp: {destinationPort: {range: {start: 1, end: 1024}}}}]
            """),
        // other CIDRs
        List.of("""
            to: [{networks: [203.0.113.0/24]}]
            """, """
            to: [{networks: [198.51.100.0/24, "2001:db8:1::/48"]}]
            """),
        // contradicting pod selectors
        List.of("""
            to: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]
            """, """
            to: [{pods: {namespaceSelector: {}, podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}}}]
            """));
    for (List<String> pair : disjoint) {
      Conversion c = toCilium(INVENTORY, tiers(pair.get(0), pair.get(1)));
      assertThat(c.refusals()).as(pair.toString()).isEmpty();
      assertThat(c.objects()).as(pair.toString()).allSatisfy(o -> assertThat(o.exactness()).isEqualTo(Exactness.EXACT));
      assertThat(c.provedPods()).isEqualTo(2);
    }
  }

  @Test
  void aMaybeOverlappingPairIsInventoryDependentAndProvedOnTodaysPods() {
    Conversion c = toCilium(INVENTORY, MAYBE_OVERLAPPING);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.inventoryDependent()).isTrue();
    assertThat(c.objects()).filteredOn(o -> o.name().equals("from-y")).singleElement().satisfies(o -> {
      assertThat(o.exactness()).isEqualTo(Exactness.INVENTORY_DEPENDENT);
      assertThat(o.notes()).anySatisfy(n -> assertThat(n).isEqualTo("spec.ingress[0]: exact while no connection"
          + " matches this Accept and the later Deny ClusterNetworkPolicy/no-db rule spec.ingress[0] (under Cilium the"
          + " Deny wins), as on today's inventory"));
    });
    assertThat(c.objects()).filteredOn(o -> o.name().equals("no-db")).singleElement()
        .satisfies(o -> assertThat(o.exactness()).isEqualTo(Exactness.EXACT));
    // With a db pod in tenant y the override shows on today's pods: the proof refuses.
    Conversion grown = toCilium(INVENTORY + "---\n" + DB_IN_B, MAYBE_OVERLAPPING);
    assertThat(grown.accepted()).isFalse();
    assertThat(grown.refusals().toString()).contains("newly denied");
  }

  @Test
  void aDenyBeforeTheAcceptChangesNothing() {
    Conversion c = toCilium(INVENTORY, """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: both}
        spec:
          tier: Admin
          priority: 1
          subject: {namespaces: {}}
          egress:
          - action: Deny
            to: [{namespaces: {matchLabels: {tenant: y}}}]
          - action: Accept
            to: [{namespaces: {}}]
        """);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.inventoryDependent()).isFalse();
  }

  /**
   * The same Deny written again for a second subject after the Accept (as a Calico selector with
   * {@code ||} becomes one policy per alternative): where it meets the Accept, an earlier Deny
   * already decided, so the pair is exact.
   */
  @Test
  void aLaterDenyWhoseOverlapAnEarlierDenyDecidesChangesNothing() {
    Conversion c = toCilium(INVENTORY, """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: for-x}
        spec:
          tier: Admin
          priority: 1
          subject: {namespaces: {matchLabels: {tenant: x}}}
          egress:
          - action: Deny
            to: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}]
          - action: Accept
            to: [{namespaces: {}}]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: for-all}
        spec:
          tier: Admin
          priority: 2
          subject: {namespaces: {}}
          egress:
          - action: Deny
            to: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}]
        """);
    assertThat(c.refusals()).isEmpty();
    assertThat(c.inventoryDependent()).isFalse();
    assertThat(c.objects()).allSatisfy(o -> assertThat(o.exactness()).isEqualTo(Exactness.EXACT));
    // Without the earlier Deny, the later one may meet the Accept: inventory-dependent.
    Conversion without = toCilium(INVENTORY, """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: for-x}
        spec:
          tier: Admin
          priority: 1
          subject: {namespaces: {matchLabels: {tenant: x}}}
          egress:
          - action: Accept
            to: [{namespaces: {}}]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: for-all}
        spec:
          tier: Admin
          priority: 2
          subject: {namespaces: {}}
          egress:
          - action: Deny
            to: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}]
        """);
    assertThat(without.refusals()).isEmpty();
    assertThat(without.inventoryDependent()).isTrue();
  }

  @Test
  void selectorsContainAndContradictByTheirRequirements() {
    LabelSelector web = LabelSelector.ofLabels(Map.of("app", "web"));
    LabelSelector webOrDb = new LabelSelector(Map.of(), List.of(LabelSelectorRequirement.of("app", Operator.In,
        "web", "db")));
    LabelSelector hasApp = new LabelSelector(Map.of(), List.of(LabelSelectorRequirement.of("app", Operator.Exists)));
    LabelSelector noApp = new LabelSelector(Map.of(), List.of(LabelSelectorRequirement.of("app",
        Operator.DoesNotExist)));
    LabelSelector notWeb = new LabelSelector(Map.of(), List.of(LabelSelectorRequirement.of("app", Operator.NotIn,
        "web")));
    assertThat(DenyWinsCheck.Selectors.contains(LabelSelector.EVERYTHING, web)).isTrue();
    assertThat(DenyWinsCheck.Selectors.contains(webOrDb, web)).isTrue();
    assertThat(DenyWinsCheck.Selectors.contains(hasApp, web)).isTrue();
    assertThat(DenyWinsCheck.Selectors.contains(notWeb, noApp)).isTrue();
    assertThat(DenyWinsCheck.Selectors.contains(web, webOrDb)).isFalse();
    assertThat(DenyWinsCheck.Selectors.contains(web, LabelSelector.EVERYTHING)).isFalse();
    assertThat(DenyWinsCheck.Selectors.contradict(web, notWeb)).isTrue();
    assertThat(DenyWinsCheck.Selectors.contradict(hasApp, noApp)).isTrue();
    assertThat(DenyWinsCheck.Selectors.contradict(noApp, web)).isTrue();
    assertThat(DenyWinsCheck.Selectors.contradict(webOrDb, LabelSelector.ofLabels(Map.of("app", "db")))).isFalse();
    assertThat(DenyWinsCheck.Selectors.contradict(notWeb, noApp)).isFalse();
    assertThat(DenyWinsCheck.Selectors.contradict(web, LabelSelector.ofLabels(Map.of("tier", "db")))).isFalse();
  }
}
