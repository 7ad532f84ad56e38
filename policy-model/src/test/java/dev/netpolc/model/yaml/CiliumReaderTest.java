package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumDirection;
import dev.netpolc.model.cilium.CiliumIcmpField;
import dev.netpolc.model.cilium.CiliumKind;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumPort;
import dev.netpolc.model.cilium.CiliumRule;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Reading {@code cilium.io/v2} policies: every field as written with its position, both spec
 * forms, list objects, Kubernetes and Calico objects in the same input, and the reader's errors
 * (unknown fields, wrong types, missing names), on both parser paths.
 */
class CiliumReaderTest {
  private static final String CNP = """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: web
        namespace: shop
        labels: {team: a}
      spec:
        description: web ingress
        endpointSelector:
          matchLabels: {app: web}
        enableDefaultDeny: {egress: false}
        ingress:
        - fromEndpoints:
          - matchLabels: {"k8s:io.kubernetes.pod.namespace": shop, role: front}
          toPorts:
          - ports:
            - port: "80"
              endPort: 90
              protocol: TCP
            - port: http
        - icmps:
          - fields:
            - type: EchoRequest
            - {type: 128, family: IPv6}
        egressDeny:
        - toCIDRSet:
          - cidr: 10.0.0.0/8
            except: [10.1.0.0/16]
        egress:
        - toEntities: [world, kube-apiserver]
        - toCIDR: []
        labels:
        - {key: owner, value: a, source: k8s}
      """;

  private static Cluster read(String yaml) {
    ReadResult fast = new PolicyReader().readString("c.yaml", yaml);
    ReadResult jackson = new PolicyReader(ReaderLimits.DEFAULTS, false).readString("c.yaml", yaml);
    assertThat(fast.errors()).isEmpty();
    assertThat(jackson.errors()).isEmpty();
    List<CiliumPolicy> a = fast.cluster().cilium().policies();
    List<CiliumPolicy> b = jackson.cluster().cilium().policies();
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      // SourceMap has identity equality: compare its positions, and the rest as records.
      assertThat(b.get(i).source().all()).as("Jackson path agrees").isEqualTo(a.get(i).source().all());
      assertThat(b.get(i).rules()).as("Jackson path agrees").isEqualTo(a.get(i).rules());
      assertThat(b.get(i).key()).isEqualTo(a.get(i).key());
    }
    return fast.cluster();
  }

  private static List<Diagnostic> errors(String yaml) {
    List<Diagnostic> fast = new PolicyReader().readString("c.yaml", yaml).errors();
    List<Diagnostic> jackson = new PolicyReader(ReaderLimits.DEFAULTS, false).readString("c.yaml", yaml).errors();
    assertThat(jackson).as("Jackson path agrees").isEqualTo(fast);
    return fast;
  }

  @Test
  void readsEveryFieldAsWritten() {
    CiliumPolicy p = read(CNP).cilium().policies().get(0);
    assertThat(p.kind()).isEqualTo(CiliumKind.CILIUM_NETWORK_POLICY);
    assertThat(p.key()).isEqualTo("CiliumNetworkPolicy/shop/web");
    assertThat(p.labels()).containsExactly(Map.entry("team", "a"));
    assertThat(p.specsGiven()).isFalse();
    assertThat(p.rules()).hasSize(1);
    CiliumRule r = p.rules().get(0);
    assertThat(r.path()).isEqualTo("spec");
    assertThat(r.description()).isEqualTo("web ingress");
    assertThat(r.endpointSelector()).contains(LabelSelector.ofLabels(Map.of("app", "web")));
    assertThat(r.defaultDenyEgress()).contains(false);
    assertThat(r.defaultDenyIngress()).isEmpty();
    assertThat(r.defaultDeny(CiliumDirection.INGRESS)).isTrue();
    assertThat(r.defaultDeny(CiliumDirection.EGRESS)).isFalse();
    assertThat(r.labels()).containsExactly("k8s:owner=a");

    CiliumPeerRule in0 = r.ingress().get(0);
    assertThat(in0.direction()).isEqualTo(CiliumDirection.INGRESS);
    assertThat(in0.deny()).isFalse();
    assertThat(in0.endpoints()).contains(List.of(LabelSelector.ofLabels(
        Map.of("k8s:io.kubernetes.pod.namespace", "shop", "role", "front"))));
    assertThat(in0.cidrs()).isEmpty();
    assertThat(in0.toPorts().get(0).ports()).containsExactly(
        new CiliumPort("spec.ingress[0].toPorts[0].ports[0]", "80", OptionalInt.of(90), "TCP"),
        new CiliumPort("spec.ingress[0].toPorts[0].ports[1]", "http", OptionalInt.empty(), ""));
    assertThat(in0.toPorts().get(0).ports().get(1).named()).isTrue();
    assertThat(in0.toPorts().get(0).ports().get(1).protocols()).containsExactly("TCP", "UDP", "SCTP");
    assertThat(r.ingress().get(1).hasL3()).isFalse();
    assertThat(r.ingress().get(1).icmps().get(0).fields()).containsExactly(
        new CiliumIcmpField("spec.ingress[1].icmps[0].fields[0]", "IPv4", "EchoRequest"),
        new CiliumIcmpField("spec.ingress[1].icmps[0].fields[1]", "IPv6", "128"));
    assertThat(r.ingress().get(1).icmps().get(0).fields().get(0).typeNumber()).hasValue(8);

    CiliumPeerRule deny = r.egressDeny().get(0);
    assertThat(deny.deny()).isTrue();
    assertThat(deny.cidrSets()).contains(List.of(
        new CiliumCidrSet("spec.egressDeny[0].toCIDRSet[0]", "10.0.0.0/8", List.of("10.1.0.0/16"), false, false)));
    assertThat(r.egress().get(0).entities()).contains(List.of("world", "kube-apiserver"));
    // Written empty: present, selecting nothing; absent would select every peer.
    assertThat(r.egress().get(1).cidrs()).contains(List.of());
    assertThat(r.egress().get(1).hasL3()).isTrue();
  }

  @Test
  void keepsThePositionOfEveryElement() {
    CiliumPolicy p = read(CNP).cilium().policies().get(0);
    assertThat(p.position()).isEqualTo(new SourcePosition("c.yaml", 1, 1));
    assertThat(p.position("spec.endpointSelector.matchLabels.app")).isEqualTo(new SourcePosition("c.yaml", 10, 24));
    assertThat(p.position("spec.ingress[0].toPorts[0].ports[0].endPort")).isEqualTo(
        new SourcePosition("c.yaml", 18, 18));
    assertThat(p.position("spec.ingress[0].toPorts[0].ports[1]")).isEqualTo(new SourcePosition("c.yaml", 20, 9));
    assertThat(p.position("spec.ingress[1].icmps[0].fields[1].family")).isEqualTo(
        new SourcePosition("c.yaml", 24, 29));
    assertThat(p.position("spec.egressDeny[0].toCIDRSet[0].except[0]")).isEqualTo(
        new SourcePosition("c.yaml", 28, 16));
    assertThat(p.position("spec.egress[0].toEntities[1]")).isEqualTo(new SourcePosition("c.yaml", 30, 25));
    // Every element's path in the records resolves to a written position.
    for (CiliumPeerRule pr : p.rules().get(0).peerRules()) {
      assertThat(p.source().has(pr.path())).as(pr.path()).isTrue();
    }
  }

  @Test
  void readsSpecsListsAndMixedInput() {
    String yaml = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: np, namespace: shop}
        spec: {podSelector: {}}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: gnp}
        spec: {selector: all()}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: guard}
        specs:
        - endpointSelector: {}
          egressDeny: [{toEntities: [world]}]
        - endpointSelector: {matchLabels: {app: db}}
          ingress: [{fromEndpoints: [{}]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicyList
        items:
        - metadata: {name: a, namespace: shop}
          spec: {endpointSelector: {}}
        - apiVersion: cilium.io/v2
          kind: CiliumNetworkPolicy
          metadata: {name: b}
          spec: {endpointSelector: {}}
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: cilium.io/v2
          kind: CiliumClusterwideNetworkPolicy
          metadata: {name: c}
          spec: {endpointSelector: {}}
        """;
    Cluster c = read(yaml);
    assertThat(c.namespaces()).hasSize(1);
    assertThat(c.policies()).hasSize(1);
    assertThat(c.calico().policies()).hasSize(1);
    assertThat(c.cilium().policies()).extracting(CiliumPolicy::key).containsExactly(
        "CiliumClusterwideNetworkPolicy/guard", "CiliumNetworkPolicy/shop/a", "CiliumNetworkPolicy/default/b",
        "CiliumClusterwideNetworkPolicy/c");
    CiliumPolicy guard = c.cilium().policies().get(0);
    assertThat(guard.specsGiven()).isTrue();
    assertThat(guard.spec()).isEmpty();
    assertThat(guard.rules()).extracting(CiliumRule::path).containsExactly("specs[0]", "specs[1]");
    assertThat(guard.position("specs[1].endpointSelector.matchLabels.app")).isEqualTo(
        new SourcePosition("c.yaml", 21, 41));
    // An item of a List keeps its own positions.
    assertThat(c.cilium().policies().get(1).position()).isEqualTo(new SourcePosition("c.yaml", 27, 3));
    // A namespaced policy's namespace exists implicitly, like any other object's.
    assertThat(c.namespacesByName()).containsKeys("shop", "default");
    assertThat(c.plus(c).cilium().policies()).hasSize(8);
  }

  @Test
  void refusesUnknownFieldsWrongTypesAndMissingNames() {
    String head = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\n";
    assertThat(errors(head + "spec:\n  endpointSelector: {}\n  ingres: []\n")).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP011");
      assertThat(d.path()).isEqualTo("spec.ingres");
      assertThat(d.position().line()).isEqualTo(6);
    });
    assertThat(errors(head + "spec:\n  endpointSelector: {}\n  egress:\n  - toPorts:\n    - ports:\n"
        + "      - {port: 80}\n")).singleElement().satisfies(d -> {
          assertThat(d.path()).isEqualTo("spec.egress[0].toPorts[0].ports[0].port");
          assertThat(d.message()).contains("quote the value");
          assertThat(d.position()).isEqualTo(new SourcePosition("c.yaml", 9, 16));
        });
    assertThat(errors(head + "spec:\n  endpointSelector: {}\n  egress:\n  - toEndpoints:\n"
        + "    - matchLabels: {a: b}\n      podSelector: {}\n")).singleElement()
        .satisfies(d -> assertThat(d.path()).isEqualTo("spec.egress[0].toEndpoints[0].podSelector"));
    assertThat(errors("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {namespace: n}\n"))
        .singleElement().satisfies(d -> assertThat(d.path()).isEqualTo("metadata.name"));
    assertThat(errors("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\nspecx: {}\n"))
        .singleElement().satisfies(d -> assertThat(d.ruleId()).isEqualTo("NP011"));
  }

  @Test
  void otherCiliumKindsAreSkippedNotMisread() {
    ReadResult r = new PolicyReader().readString("c.yaml", """
        apiVersion: cilium.io/v2
        kind: CiliumEndpoint
        metadata: {name: e, namespace: n}
        ---
        apiVersion: cilium.io/v1
        kind: CiliumNetworkPolicy
        metadata: {name: old}
        """);
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().cilium().policies()).isEmpty();
    assertThat(r.skippedKinds()).containsKeys("CiliumEndpoint", "CiliumNetworkPolicy");
    assertThat(Optional.of(r.cluster().cilium().isEmpty())).contains(true);
  }
}
