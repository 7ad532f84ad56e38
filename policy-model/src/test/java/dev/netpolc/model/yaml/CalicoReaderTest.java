package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.CalicoKind;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoProtocol;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.calico.EndpointSlice;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.IcmpMatch;
import dev.netpolc.model.calico.Service;
import dev.netpolc.model.calico.ServiceMatch;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Reading Calico's resources: every field as written with its position, Kubernetes objects in
 * the same input, the storage form, staged kinds, lists, and the errors of the reader (unknown
 * and missing fields, wrong types), on both parser paths.
 */
class CalicoReaderTest {
  static String corpus() {
    try (InputStream in = CalicoReaderTest.class.getResourceAsStream("/calico/good-corpus.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Cluster read(String yaml) {
    ReadResult fast = new PolicyReader().readString("c.yaml", yaml);
    assertThat(fast.errors()).isEmpty();
    return fast.cluster();
  }

  private static List<Diagnostic> errors(String yaml) {
    List<Diagnostic> fast = new PolicyReader().readString("c.yaml", yaml).errors();
    List<Diagnostic> jackson = new PolicyReader(ReaderLimits.DEFAULTS, false).readString("c.yaml", yaml).errors();
    assertThat(jackson).as("Jackson path agrees").isEqualTo(fast);
    return fast;
  }

  @Test
  void readsEveryCalicoKindBesideKubernetesObjects() {
    Cluster c = read(corpus());
    CalicoResources calico = c.calico();
    assertThat(calico.tiers()).extracting(CalicoTier::name).containsExactly("security", "platform");
    assertThat(calico.tiers().get(0).order()).isEqualTo(OptionalDouble.of(100));
    assertThat(calico.tiers().get(0).passByDefault()).isTrue();
    assertThat(calico.tiers().get(1).order()).isEqualTo(OptionalDouble.of(200.5));
    assertThat(calico.tiers().get(1).defaultAction()).isEqualTo("Deny");
    assertThat(calico.networkSets()).extracting(CalicoNetworkSet::key)
        .containsExactly("GlobalNetworkSet/threat-feed", "NetworkSet/shop/partners");
    assertThat(calico.networkSets().get(0).nets()).containsExactly("198.51.100.0/24", "203.0.113.7",
        "2001:db8:dead::/48");
    assertThat(calico.networkSets().get(1).labels()).isEqualTo(Map.of("role", "partner"));
    assertThat(calico.policies()).extracting(CalicoPolicy::key).containsExactly(
        "GlobalNetworkPolicy/security.block-threats", "GlobalNetworkPolicy/platform.icmp",
        "NetworkPolicy/shop/shop-frontend", "StagedNetworkPolicy/shop/shop-lockdown",
        "GlobalNetworkPolicy/default.allow-dns");
    assertThat(calico.stagedPolicies()).extracting(CalicoPolicy::name).containsExactly("shop-lockdown");
    assertThat(calico.enforcedPolicies()).hasSize(4);
    assertThat(calico.serviceAccounts()).singleElement().satisfies(sa -> {
      assertThat(sa.name()).isEqualTo("ingress-nginx");
      assertThat(sa.labels()).isEqualTo(Map.of("team", "edge"));
    });
    assertThat(calico.services()).singleElement().satisfies(s -> {
      assertThat(s.selector()).isEqualTo(Map.of("app", "catalogue"));
      assertThat(s.ports()).containsExactly(new Service.Port("http", "TCP", 80, "http"),
          new Service.Port("", "TCP", 9090, "9091"));
    });
    assertThat(calico.endpointSlices()).singleElement().satisfies(e -> {
      assertThat(e.serviceName()).isEqualTo("probe");
      assertThat(e.namespace()).isEqualTo("monitoring");
      assertThat(e.addresses()).containsExactly(IpAddress.parse("10.2.0.5"), IpAddress.parse("10.2.0.6"),
          IpAddress.parse("10.2.0.7"));
      assertThat(e.ports()).containsExactly(new EndpointSlice.Port("metrics", "TCP", 9100));
    });
    // The Kubernetes objects of the same input are read as before.
    assertThat(c.policies()).singleElement().satisfies(p -> assertThat(p.name()).isEqualTo("db"));
    assertThat(c.pods()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("frontend-1");
      assertThat(p.serviceAccountName()).isEqualTo("ingress-nginx");
    });
    assertThat(c.namespacesByName()).containsKeys("shop");
  }

  @Test
  void policyFieldsAsWritten() {
    CalicoResources calico = read(corpus()).calico();
    CalicoPolicy guard = calico.policies().get(0);
    assertThat(guard.kind()).isEqualTo(CalicoKind.GLOBAL_NETWORK_POLICY);
    assertThat(guard.tier()).isEqualTo("security");
    assertThat(guard.order()).isEqualTo(OptionalDouble.of(10));
    assertThat(guard.selector()).isEqualTo(CalicoSelector.parse("all()"));
    assertThat(guard.namespaceSelector()).contains(CalicoSelector.parse("has(projectcalico.org/name)"));
    assertThat(guard.typesGiven()).isTrue();
    assertThat(guard.ingress().get(0).source().namespaceSelector()).contains(new CalicoSelector.Global());
    assertThat(guard.egress()).extracting(CalicoRule::action).containsExactly("Log", "Deny", "Allow", "Pass");
    CalicoRule dns = guard.egress().get(2);
    assertThat(dns.protocol()).contains(CalicoProtocol.named("UDP"));
    assertThat(dns.destination().ports()).containsExactly(new CalicoPort("53"));

    CalicoPolicy icmp = calico.policies().get(1);
    assertThat(icmp.order()).isEmpty();
    assertThat(icmp.ingress().get(0).icmp()).contains(new IcmpMatch(OptionalInt.of(8), OptionalInt.of(0)));
    assertThat(icmp.ingress().get(0).ipVersion()).isEqualTo(OptionalInt.of(4));
    assertThat(icmp.ingress().get(1).protocol()).contains(CalicoProtocol.number(58));
    assertThat(icmp.ingress().get(1).protocol().get().isIcmpV6()).isTrue();
    assertThat(icmp.ingress().get(1).notIcmp()).contains(new IcmpMatch(OptionalInt.of(1), OptionalInt.empty()));
    assertThat(icmp.ingress().get(2).notProtocol()).contains(CalicoProtocol.named("TCP"));

    CalicoPolicy shop = calico.policies().get(2);
    assertThat(shop.namespace()).isEqualTo("shop");
    assertThat(shop.tier()).isEqualTo("default");
    assertThat(shop.serviceAccountSelector()).contains(CalicoSelector.parse("role in {'edge', 'web'}"));
    EntityRule src = shop.ingress().get(0).source();
    assertThat(src.nets()).containsExactly("10.0.0.0/8");
    assertThat(src.notNets()).containsExactly("10.1.0.0/16");
    assertThat(src.notSelector()).contains(CalicoSelector.parse("tier == 'legacy'"));
    assertThat(src.serviceAccounts().get().names()).containsExactly("ingress-nginx");
    assertThat(src.serviceAccounts().get().selector()).contains(CalicoSelector.parse("team == 'edge'"));
    List<CalicoPort> ports = shop.ingress().get(0).destination().ports();
    assertThat(ports).containsExactly(new CalicoPort("80"), new CalicoPort("8000:8080"), new CalicoPort("http"));
    assertThat(ports.get(1).min()).isEqualTo(8000);
    assertThat(ports.get(1).max()).isEqualTo(8080);
    assertThat(ports.get(2).named()).isTrue();
    assertThat(shop.ingress().get(1).source().services()).contains(new ServiceMatch("probe", "monitoring"));
    assertThat(shop.egress().get(0).destination().services()).contains(new ServiceMatch("catalogue", ""));

    // The storage form: lower-case protocol names read as Calico's v1-to-v3 conversion reads them.
    CalicoPolicy storage = calico.policies().get(4);
    assertThat(storage.egress().get(0).protocol()).contains(CalicoProtocol.named("UDP"));
  }

  @Test
  void typesDefaultAsCalicoDoes() {
    CalicoResources calico = read(corpus()).calico();
    CalicoPolicy icmpIngressOnly = calico.policies().get(1);
    assertThat(icmpIngressOnly.typesGiven()).isFalse();
    assertThat(icmpIngressOnly.appliesToIngress()).isTrue();
    assertThat(icmpIngressOnly.appliesToEgress()).isFalse();
    CalicoPolicy both = calico.policies().get(2); // ingress and egress rules, no types
    assertThat(both.appliesToIngress()).isTrue();
    assertThat(both.appliesToEgress()).isTrue();
    CalicoPolicy egressOnly = calico.policies().get(4);
    assertThat(egressOnly.appliesToIngress()).isFalse();
    assertThat(egressOnly.appliesToEgress()).isTrue();
    CalicoPolicy noRules = calico.policies().get(3); // types [Ingress] as written
    assertThat(noRules.appliesToIngress()).isTrue();
    assertThat(noRules.appliesToEgress()).isFalse();
  }

  @Test
  void everyFieldKeepsItsPosition() {
    String yaml = corpus();
    CalicoPolicy shop = read(yaml).calico().policies().get(2);
    String[] lines = yaml.split("\n", -1);
    int line = indexOf(lines, "  selector: app == 'frontend'") + 1;
    assertThat(shop.source().find("spec.selector")).isEqualTo(new SourcePosition("c.yaml", line, 13));
    int portsLine = indexOf(lines, "      ports: [80, \"8000:8080\", http]") + 1;
    assertThat(shop.source().find("spec.ingress[0].destination.ports[1]"))
        .isEqualTo(new SourcePosition("c.yaml", portsLine, 19));
    int sa = indexOf(lines, "        names: [ingress-nginx]") + 1;
    assertThat(shop.source().find("spec.ingress[0].source.serviceAccounts.names[0]"))
        .isEqualTo(new SourcePosition("c.yaml", sa, 17));
    assertThat(shop.position().line()).isEqualTo(indexOf(lines, "kind: NetworkPolicy") - 1 + 1);
  }

  private static int indexOf(String[] lines, String line) {
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].equals(line)) {
        return i;
      }
    }
    throw new AssertionError("no line " + line);
  }

  @Test
  void bothParserPathsReadTheSame() {
    String yaml = corpus();
    Cluster fast = new PolicyReader().readString("c.yaml", yaml).cluster();
    Cluster jackson = new PolicyReader(ReaderLimits.DEFAULTS, false).readString("c.yaml", yaml).cluster();
    assertThat(jackson.calico().policies()).hasSameSizeAs(fast.calico().policies());
    for (int i = 0; i < fast.calico().policies().size(); i++) {
      CalicoPolicy a = fast.calico().policies().get(i);
      CalicoPolicy b = jackson.calico().policies().get(i);
      assertThat(CalicoRecords.strip(b)).isEqualTo(CalicoRecords.strip(a));
      assertThat(b.source().all()).isEqualTo(a.source().all());
    }
  }

  @Test
  void typedListsAndPlainLists() {
    String yaml = String.join("\n",
        "apiVersion: projectcalico.org/v3",
        "kind: GlobalNetworkPolicyList",
        "items:",
        "- metadata: {name: a}",
        "  spec: {selector: all()}",
        "- metadata: {name: b}",
        "---",
        "apiVersion: v1",
        "kind: List",
        "items:",
        "- apiVersion: projectcalico.org/v3",
        "  kind: Tier",
        "  metadata: {name: t}",
        "- apiVersion: v1",
        "  kind: ServiceAccount",
        "  metadata: {name: sa, namespace: x}",
        "");
    CalicoResources c = read(yaml).calico();
    assertThat(c.policies()).extracting(CalicoPolicy::name).containsExactly("a", "b");
    assertThat(c.policies()).allMatch(p -> p.kind() == CalicoKind.GLOBAL_NETWORK_POLICY);
    assertThat(c.tiers()).extracting(CalicoTier::name).containsExactly("t");
    assertThat(c.serviceAccounts()).extracting(sa -> sa.namespace() + "/" + sa.name()).containsExactly("x/sa");
  }

  @Test
  void jsonInputReadsToo() {
    String json = "{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"j\","
        + "\"namespace\":\"n\"},\"spec\":{\"selector\":\"app == \\\"x\\\"\",\"ingress\":[{\"action\":\"Allow\","
        + "\"protocol\":6,\"destination\":{\"ports\":[443,\"http\"]}}]}}";
    ReadResult r = new PolicyReader().readString("p.json", json);
    assertThat(r.errors()).isEmpty();
    CalicoPolicy p = r.cluster().calico().policies().get(0);
    assertThat(p.selector()).isEqualTo(CalicoSelector.parse("app == 'x'"));
    assertThat(p.ingress().get(0).protocol()).contains(CalicoProtocol.number(6));
    assertThat(p.ingress().get(0).destination().ports()).containsExactly(new CalicoPort("443"),
        new CalicoPort("http"));
  }

  @Test
  void unknownFieldIsRefusedAtItsKey() {
    List<Diagnostic> e = errors(String.join("\n",
        "apiVersion: projectcalico.org/v3",
        "kind: NetworkPolicy",
        "metadata: {name: p, namespace: n}",
        "spec:",
        "  ingress:",
        "  - action: Allow",
        "    source:",
        "      notNet: [10.0.0.0/8]",
        ""));
    assertThat(e).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP011");
      assertThat(d.position()).isEqualTo(new SourcePosition("c.yaml", 8, 7));
      assertThat(d.path()).isEqualTo("spec.ingress[0].source.notNet");
      assertThat(d.message()).contains("unknown field 'notNet'").contains("notNets");
    });
  }

  @Test
  void globalOnlyFieldsAreUnknownInANamespacedPolicy() {
    List<Diagnostic> e = errors(String.join("\n",
        "apiVersion: projectcalico.org/v3",
        "kind: NetworkPolicy",
        "metadata: {name: p}",
        "spec:",
        "  doNotTrack: true",
        ""));
    assertThat(e).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP011");
      assertThat(d.path()).isEqualTo("spec.doNotTrack");
    });
  }

  @Test
  void missingActionAndNameAreRequired() {
    List<Diagnostic> e = errors(String.join("\n",
        "apiVersion: projectcalico.org/v3",
        "kind: GlobalNetworkPolicy",
        "metadata: {name: p}",
        "spec:",
        "  egress:",
        "  - protocol: TCP",
        "---",
        "apiVersion: projectcalico.org/v3",
        "kind: Tier",
        "metadata: {labels: {a: b}}",
        ""));
    assertThat(e).extracting(Diagnostic::ruleId, Diagnostic::path, Diagnostic::position).containsExactly(
        org.assertj.core.groups.Tuple.tuple("NP006", "spec.egress[0].action", new SourcePosition("c.yaml", 6, 5)),
        org.assertj.core.groups.Tuple.tuple("NP006", "metadata.name", new SourcePosition("c.yaml", 10, 11)));
  }

  @Test
  void wrongTypesAreNamed() {
    List<Diagnostic> e = errors(String.join("\n",
        "apiVersion: projectcalico.org/v3",
        "kind: GlobalNetworkPolicy",
        "metadata: {name: p}",
        "spec:",
        "  order: high",
        "  ingress:",
        "  - action: Allow",
        "    destination: {ports: [{port: 80}]}",
        ""));
    assertThat(e).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP003");
      assertThat(d.path()).isEqualTo("spec.order");
      assertThat(d.message()).contains("expected a number");
    });
    List<Diagnostic> ports = errors(String.join("\n",
        "apiVersion: projectcalico.org/v3",
        "kind: GlobalNetworkPolicy",
        "metadata: {name: p}",
        "spec:",
        "  ingress:",
        "  - action: Allow",
        "    destination: {ports: [{port: 80}]}",
        ""));
    assertThat(ports).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP003");
      assertThat(d.path()).isEqualTo("spec.ingress[0].destination.ports[0]");
      assertThat(d.position()).isEqualTo(new SourcePosition("c.yaml", 7, 27));
    });
  }

  @Test
  void endpointSliceAddressThatIsNoAddressIsRefused() {
    List<Diagnostic> e = errors(String.join("\n",
        "apiVersion: discovery.k8s.io/v1",
        "kind: EndpointSlice",
        "metadata: {name: s, labels: {kubernetes.io/service-name: svc}}",
        "addressType: IPv4",
        "endpoints:",
        "- addresses: [10.0.0.300]",
        ""));
    assertThat(e).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP009");
      assertThat(d.path()).isEqualTo("endpoints[0].addresses[0]");
    });
  }

  @Test
  void emptySelectorsAreUnset() {
    CalicoPolicy p = read(String.join("\n",
        "apiVersion: projectcalico.org/v3",
        "kind: GlobalNetworkPolicy",
        "metadata: {name: p}",
        "spec:",
        "  selector: ''",
        "  ingress:",
        "  - action: Allow",
        "    source: {namespaceSelector: ''}",
        "")).calico().policies().get(0);
    assertThat(p.selector()).isEqualTo(new CalicoSelector.All());
    assertThat(p.ingress().get(0).source().namespaceSelector()).isEqualTo(Optional.empty());
    assertThat(p.ingress().get(0).source().isEmpty()).isTrue();
  }

  @Test
  void aPodWithoutServiceAccountHasTheDefaultOne() {
    Cluster c = read(String.join("\n",
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: a, namespace: n}",
        "status: {podIP: 10.0.0.1}",
        "---",
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: b, namespace: n}",
        "spec: {serviceAccount: legacy}",
        ""));
    assertThat(c.pods()).extracting(dev.netpolc.model.Pod::serviceAccountName).containsExactly("default", "legacy");
  }

  @Test
  void stagedKubernetesPoliciesAreKeptApartFromEnforcedOnes() {
    String staged = String.join("\n",
        "apiVersion: projectcalico.org/v3",
        "kind: StagedKubernetesNetworkPolicy",
        "metadata: {name: lock, namespace: shop}",
        "spec:",
        "  stagedAction: Set",
        "  podSelector: {matchLabels: {app: db}}",
        "  policyTypes: [Ingress]",
        "");
    Cluster c = read(staged);
    assertThat(c.policies()).isEmpty();
    assertThat(c.calico().stagedKubernetesPolicies()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("shop/lock");
      assertThat(p.policyTypes()).containsExactly("Ingress");
      assertThat(p.source().find("spec.podSelector").line()).isEqualTo(6);
    });
    assertThat(c.calico().hasCalicoObjects()).isTrue();
    List<Diagnostic> e = errors(staged.replace("stagedAction", "stagedActon"));
    assertThat(e).singleElement().satisfies(d -> assertThat(d.ruleId()).isEqualTo("NP011"));
    Cluster bad = read(staged.replace("[Ingress]", "[Inbound]"));
    assertThat(new dev.netpolc.model.validation.Validator(dev.netpolc.model.validation.ValidationOptions.DEFAULT)
        .validate(bad)).extracting(Diagnostic::ruleId).containsExactly("NP110");
  }

  @Test
  void hostEndpointsAreRefusedNotSkipped() {
    List<Diagnostic> e = errors(String.join("\n",
        "apiVersion: crd.projectcalico.org/v1",
        "kind: HostEndpoint",
        "metadata: {name: eth0-node1}",
        "spec: {node: node1, interfaceName: eth0}",
        ""));
    assertThat(e).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP184");
      assertThat(d.path()).isEqualTo("kind");
      assertThat(d.position()).isEqualTo(new SourcePosition("c.yaml", 2, 7));
      assertThat(d.message()).contains("HostEndpoint").contains("does not enforce");
    });
  }

  @Test
  void calicoKindsOfOtherApiGroupsAreSkipped() {
    ReadResult r = new PolicyReader().readString("c.yaml", String.join("\n",
        "apiVersion: example.com/v1",
        "kind: GlobalNetworkPolicy",
        "metadata: {name: p}",
        ""));
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().calico().isEmpty()).isTrue();
    assertThat(r.skippedKinds()).containsEntry("GlobalNetworkPolicy", 1);
  }
}
