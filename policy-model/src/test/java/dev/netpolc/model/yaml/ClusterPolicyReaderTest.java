package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.AnpPort;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.validation.ValidationOptions;
import dev.netpolc.model.validation.Validator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.generators.SourceDSL;

/**
 * Reading ClusterNetworkPolicy (v1alpha2), AdminNetworkPolicy and BaselineAdminNetworkPolicy
 * (v1alpha1): values as written, the position of every field under its API path, input order,
 * required and unknown fields, wrong types and nulls, limits, and the fast scanner agreeing with
 * Jackson.
 */
class ClusterPolicyReaderTest {
  private static final String CNP = String.join("\n",
      "apiVersion: policy.networking.k8s.io/v1alpha2", // 1
      "kind: ClusterNetworkPolicy",
      "metadata:",
      "  name: admin-guard",
      "spec:", // 5
      "  tier: Admin",
      "  priority: 10",
      "  subject:",
      "    namespaces:",
      "      matchLabels: {env: prod}", // 10
      "  ingress:",
      "  - name: from-monitoring",
      "    action: Accept",
      "    from:",
      "    - namespaces: {matchLabels: {team: monitoring}}", // 15
      "    - pods:",
      "        namespaceSelector: {}",
      "        podSelector:",
      "          matchLabels: {app: scraper}",
      "    protocols:", // 20
      "    - tcp:",
      "        destinationPort: {number: 9090}",
      "  egress:",
      "  - action: Pass",
      "    to:", // 25
      "    - pods: {namespaceSelector: {}, podSelector: {}}",
      "  - action: Deny",
      "    to:",
      "    - nodes: {matchExpressions: [{key: node-role.kubernetes.io/control-plane, operator: Exists}]}",
      "  - action: Accept", // 30
      "    to:",
      "    - networks: [10.0.0.0/8, \"fd00::/8\"]",
      "    - domainNames: [\"*.example.com\"]",
      "    protocols:",
      "    - tcp:", // 35
      "        destinationPort:",
      "          range:",
      "            start: 5000",
      "            end: 5100",
      "    - sctp: {destinationPort: {number: 9}}", // 40
      "");

  private static final String ANP = String.join("\n",
      "apiVersion: policy.networking.k8s.io/v1alpha1", // 1
      "kind: AdminNetworkPolicy",
      "metadata: {name: legacy}",
      "spec:",
      "  priority: 3", // 5
      "  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}",
      "  ingress:",
      "  - action: Allow",
      "    from: [{namespaces: {}}]",
      "    ports:", // 10
      "    - portNumber: {port: 5432}",
      "    - portRange:",
      "        protocol: UDP",
      "        start: 6000",
      "        end: 6010", // 15
      "    - namedPort: http",
      "");

  private static final String BANP = String.join("\n",
      "# netpolc: disable=NP254",
      "apiVersion: policy.networking.k8s.io/v1alpha1",
      "kind: BaselineAdminNetworkPolicy",
      "metadata: {name: default}",
      "spec:",
      "  subject: {namespaces: {}}",
      "  egress:",
      "  - {name: no-metadata, action: Deny, to: [{networks: [169.254.169.254/32]}]}",
      "");

  private final PolicyReader reader = new PolicyReader();

  private static String doc(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  @Test
  void readsEveryFieldOfAClusterNetworkPolicyAsWritten() {
    ReadResult r = reader.readString("cnp.yaml", CNP);
    assertThat(r.errors()).isEmpty();
    assertThat(r.objectCount()).isEqualTo(1);
    ClusterNetworkPolicy p = r.cluster().clusterNetworkPolicies().get(0);
    assertThat(p.kind()).isEqualTo(ClusterPolicyKind.CLUSTER_NETWORK_POLICY);
    assertThat(p.name()).isEqualTo("admin-guard");
    assertThat(p.tier()).isEqualTo("Admin");
    assertThat(p.priority()).isEqualTo(10);
    assertThat(p.subject()).isEqualTo(ClusterPolicySubject.namespaces(LabelSelector.ofLabels(Map.of("env", "prod"))));
    assertThat(p.ingress()).containsExactly(new ClusterPolicyRule(Optional.of("from-monitoring"), "Accept", List.of(
        ClusterPolicyPeer.namespaces(LabelSelector.ofLabels(Map.of("team", "monitoring"))),
        ClusterPolicyPeer.pods(LabelSelector.EVERYTHING, LabelSelector.ofLabels(Map.of("app", "scraper")))),
        Optional.of(List.of(ClusterPolicyProtocol.tcp(DestinationPort.number(9090))))));
    assertThat(p.egress()).containsExactly(
        new ClusterPolicyRule(Optional.empty(), "Pass",
            List.of(ClusterPolicyPeer.pods(LabelSelector.EVERYTHING, LabelSelector.EVERYTHING)), Optional.empty()),
        new ClusterPolicyRule(Optional.empty(), "Deny", List.of(ClusterPolicyPeer.nodes(new LabelSelector(Map.of(),
            List.of(LabelSelectorRequirement.of("node-role.kubernetes.io/control-plane",
                LabelSelectorRequirement.Operator.Exists))))), Optional.empty()),
        new ClusterPolicyRule(Optional.empty(), "Accept", List.of(
            ClusterPolicyPeer.networks(List.of("10.0.0.0/8", "fd00::/8")),
            ClusterPolicyPeer.domainNames(List.of("*.example.com"))),
            Optional.of(List.of(ClusterPolicyProtocol.tcp(DestinationPort.range(5000, 5100)),
                ClusterPolicyProtocol.sctp(DestinationPort.number(9))))));
    assertThat(r.cluster().policies()).isEmpty();
    assertThat(r.cluster().tieredPolicies()).containsExactly(p);
  }

  @Test
  void recordsThePositionOfEveryFieldUnderItsApiPath() {
    SourceMap s = reader.readString("cnp.yaml", CNP).cluster().clusterNetworkPolicies().get(0).source();
    assertThat(s.objectPosition()).isEqualTo(at("cnp.yaml", 1, 1));
    // Scalars at their value, mappings and lists at their key, list items at the item.
    assertThat(s.find("spec.tier")).isEqualTo(at("cnp.yaml", 6, 9));
    assertThat(s.find("spec.priority")).isEqualTo(at("cnp.yaml", 7, 13));
    assertThat(s.find("spec.subject.namespaces.matchLabels.env")).isEqualTo(at("cnp.yaml", 10, 26));
    assertThat(s.find("spec.ingress[0]")).isEqualTo(at("cnp.yaml", 12, 5));
    assertThat(s.find("spec.ingress[0].name")).isEqualTo(at("cnp.yaml", 12, 11));
    assertThat(s.find("spec.ingress[0].action")).isEqualTo(at("cnp.yaml", 13, 13));
    assertThat(s.find("spec.ingress[0].from[1]")).isEqualTo(at("cnp.yaml", 16, 7));
    assertThat(s.find("spec.ingress[0].from[1].pods.podSelector")).isEqualTo(at("cnp.yaml", 18, 9));
    assertThat(s.find("spec.ingress[0].protocols[0].tcp.destinationPort.number")).isEqualTo(at("cnp.yaml", 22, 35));
    assertThat(s.find("spec.egress[1].to[0].nodes.matchExpressions[0].key")).isEqualTo(at("cnp.yaml", 29, 40));
    assertThat(s.find("spec.egress[2].to[0].networks[1]")).isEqualTo(at("cnp.yaml", 32, 30));
    assertThat(s.find("spec.egress[2].to[1].domainNames[0]")).isEqualTo(at("cnp.yaml", 33, 21));
    assertThat(s.find("spec.egress[2].protocols[0].tcp.destinationPort.range.start")).isEqualTo(at("cnp.yaml", 38, 20));
    assertThat(s.find("spec.egress[2].protocols[0].tcp.destinationPort.range.end")).isEqualTo(at("cnp.yaml", 39, 18));
    assertThat(s.find("spec.egress[2].protocols[1].sctp")).isEqualTo(at("cnp.yaml", 40, 7));
    // Every written field has its own entry; none is made up.
    assertThat(s.all()).containsKeys("spec.ingress[0].from[1].pods.namespaceSelector", "spec.egress[0].to[0].pods",
        "spec.egress[2].protocols[1].sctp.destinationPort.number");
    assertThat(s.has("spec.egress[0].protocols")).isFalse();
  }

  @Test
  void recordsV1alpha1PortPositionsAndBindsTheirDefaults() {
    AdminNetworkPolicy p = reader.readString("anp.yaml", ANP).cluster().adminNetworkPolicies().get(0);
    assertThat(p.priority()).isEqualTo(3);
    assertThat(p.ingress().get(0).action()).isEqualTo("Allow");
    assertThat(p.ingress().get(0).ports().orElseThrow()).containsExactly(
        new AnpPort(Optional.of(new AnpPort.ProtocolPort("TCP", 5432)), Optional.empty(), Optional.empty()),
        new AnpPort(Optional.empty(), Optional.empty(), Optional.of(new AnpPort.ProtocolRange("UDP", 6000, 6010))),
        new AnpPort(Optional.empty(), Optional.of("http"), Optional.empty()));
    SourceMap s = p.source();
    assertThat(s.find("spec.ingress[0].ports[0].portNumber.port")).isEqualTo(at("anp.yaml", 11, 26));
    assertThat(s.find("spec.ingress[0].ports[1].portRange.start")).isEqualTo(at("anp.yaml", 14, 16));
    assertThat(s.find("spec.ingress[0].ports[2].namedPort")).isEqualTo(at("anp.yaml", 16, 18));
    assertThat(s.find("spec.subject.pods.podSelector.matchLabels.app")).isEqualTo(at("anp.yaml", 6, 76));
    // The defaulted protocol was not written: it has no position of its own.
    assertThat(s.has("spec.ingress[0].ports[0].portNumber.protocol")).isFalse();
  }

  @Test
  void putsEachKindInItsListInInputOrderWithSuppressions() {
    String text = "---\n" + BANP + "---\n" + CNP.replace("admin-guard", "b") + "---\n" + ANP + "---\n"
        + doc("apiVersion: policy.networking.k8s.io/v1alpha2", "kind: ClusterNetworkPolicyList", "items:",
            "- metadata: {name: c}", "  spec: {tier: Baseline, priority: 0, subject: {namespaces: {}}}",
            "- metadata: {name: a}", "  spec: {tier: Admin, priority: 0, subject: {namespaces: {}}}")
        + "---\n" + doc("apiVersion: networking.k8s.io/v1", "kind: NetworkPolicy",
            "metadata: {name: np, namespace: x}", "spec: {podSelector: {}}");
    ReadResult r = reader.readString("all.yaml", text);
    assertThat(r.errors()).isEmpty();
    Cluster c = r.cluster();
    assertThat(c.clusterNetworkPolicies()).extracting(ClusterNetworkPolicy::name).containsExactly("b", "c", "a");
    assertThat(c.adminNetworkPolicies()).extracting(AdminNetworkPolicy::name).containsExactly("legacy");
    assertThat(c.baselineAdminNetworkPolicies()).extracting(BaselineAdminNetworkPolicy::name)
        .containsExactly("default");
    assertThat(c.baselineAdminNetworkPolicies().get(0).suppressedRules()).containsExactly("NP254");
    assertThat(c.clusterNetworkPolicies().get(0).suppressedRules()).isEmpty();
    assertThat(c.policies()).hasSize(1);
    assertThat(r.objectCount()).isEqualTo(6);
    // A List's item is positioned at the item's mapping.
    int itemLine = List.of(text.split("\n", -1)).indexOf("- metadata: {name: c}") + 1;
    assertThat(c.clusterNetworkPolicies().get(1).position()).isEqualTo(at("all.yaml", itemLine, 3));
  }

  @Test
  void otherKindsAndVersionsOfTheGroupAreSkippedAndCounted() {
    String text = doc("apiVersion: policy.networking.k8s.io/v1alpha1", "kind: ClusterNetworkPolicy",
        "metadata: {name: a}", "spec: {whatever: 1}", "---", "apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: AdminNetworkPolicy", "metadata: {name: b}", "---", "apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: TierPolicy", "metadata: {name: c}");
    ReadResult r = reader.readString("other.yaml", text);
    assertThat(r.errors()).isEmpty();
    assertThat(r.skippedKinds()).containsExactlyEntriesOf(new java.util.TreeMap<>(
        Map.of("ClusterNetworkPolicy", 1, "AdminNetworkPolicy", 1, "TierPolicy", 1)));
    assertThat(r.cluster().hasTieredPolicies()).isFalse();
    assertThat(r.objectCount()).isZero();
  }

  private static final String REQUIRED = doc(
      "apiVersion: policy.networking.k8s.io/v1alpha2", // 1
      "kind: ClusterNetworkPolicy",
      "metadata:",
      "  name: p",
      "spec:", // 5
      "  tier: Admin",
      "  priority: 1",
      "  subject:",
      "    pods:",
      "      namespaceSelector: {}", // 10
      "      podSelector: {}",
      "  egress:",
      "  - name: r",
      "    action: Deny",
      "    to:", // 15
      "    - networks: [10.0.0.0/8]",
      "    protocols:",
      "    - tcp:",
      "        destinationPort:",
      "          range:", // 20
      "            start: 1",
      "            end: 2");

  @ParameterizedTest(name = "without line {0}: {1}")
  @CsvSource({
      "4,  metadata.name, 1:1",
      "6,  spec.tier, 6:3",
      "7,  spec.priority, 6:3",
      "11, spec.subject.pods.podSelector, 10:7",
      "14, spec.egress[0].action, 13:5",
      "21, spec.egress[0].protocols[0].tcp.destinationPort.range.start, 21:13",
      "22, spec.egress[0].protocols[0].tcp.destinationPort.range.end, 21:13",
  })
  void aMissingRequiredFieldIsNp006AtItsParent(int line, String path, String position) {
    List<String> lines = new java.util.ArrayList<>(List.of(REQUIRED.split("\n")));
    lines.remove(line - 1);
    ReadResult r = reader.readString("req.yaml", String.join("\n", lines) + "\n");
    assertThat(r.errors()).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP006");
      assertThat(d.path()).isEqualTo(path);
      assertThat(d.position().line() + ":" + d.position().column()).isEqualTo(position);
      assertThat(d.message()).contains(path);
    });
    assertThat(r.cluster().hasTieredPolicies()).isFalse();
  }

  @Test
  void otherRequiredFieldsOfEachKind() {
    assertThat(only(reader.readString("a.yaml", doc("apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: a}")))).isEqualTo("NP006 spec 1:1");
    assertThat(only(reader.readString("a.yaml", doc("apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: a}", "spec: {tier: Admin, priority: 1}"))))
        .isEqualTo("NP006 spec.subject 4:7");
    assertThat(only(reader.readString("a.yaml", doc("apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: a}", "spec:", "  tier: Admin", "  priority: 1",
        "  subject: {namespaces: {}}", "  ingress:", "  - action: Accept")))).isEqualTo("NP006 spec.ingress[0].from 9:5");
    assertThat(only(reader.readString("a.yaml", doc("apiVersion: policy.networking.k8s.io/v1alpha1",
        "kind: AdminNetworkPolicy", "metadata: {name: a}", "spec: {subject: {namespaces: {}}}"))))
        .isEqualTo("NP006 spec.priority 4:7");
    // v1alpha1 requires namespaceSelector in pods; v1alpha2 defaults it to every namespace.
    assertThat(only(reader.readString("a.yaml", doc("apiVersion: policy.networking.k8s.io/v1alpha1",
        "kind: BaselineAdminNetworkPolicy", "metadata: {name: default}", "spec:",
        "  subject: {pods: {podSelector: {}}}")))).isEqualTo("NP006 spec.subject.pods.namespaceSelector 5:19");
    assertThat(only(reader.readString("a.yaml", doc("apiVersion: policy.networking.k8s.io/v1alpha1",
        "kind: AdminNetworkPolicy", "metadata: {name: a}", "spec:", "  priority: 1", "  subject: {namespaces: {}}",
        "  egress:", "  - {action: Deny, to: [{namespaces: {}}], ports: [{portNumber: {protocol: UDP}}]}"))))
        .isEqualTo("NP006 spec.egress[0].ports[0].portNumber.port 8:65");
    ReadResult v2 = reader.readString("a.yaml", doc("apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: a}", "spec: {tier: Admin, priority: 1, subject: {pods: "
            + "{podSelector: {}}}}"));
    assertThat(v2.errors()).isEmpty();
    assertThat(v2.cluster().clusterNetworkPolicies().get(0).subject().pods().orElseThrow().namespaceSelector())
        .isEqualTo(LabelSelector.EVERYTHING);
  }

  @Test
  void nullReadsAsAbsent() {
    ReadResult r = reader.readString("n.yaml", doc("apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: a}", "spec:", "  tier: Admin", "  priority: 1",
        "  subject: {namespaces: {}, pods: null}", "  ingress: null", "  egress:",
        "  - {name: null, action: Deny, to: [{networks: [10.0.0.0/8], nodes: ~}], protocols: null}"));
    assertThat(r.errors()).isEmpty();
    ClusterNetworkPolicy p = r.cluster().clusterNetworkPolicies().get(0);
    assertThat(p.subject()).isEqualTo(ClusterPolicySubject.namespaces(LabelSelector.EVERYTHING));
    assertThat(p.ingress()).isEmpty();
    assertThat(p.egress().get(0)).isEqualTo(new ClusterPolicyRule(Optional.empty(), "Deny",
        List.of(ClusterPolicyPeer.networks(List.of("10.0.0.0/8"))), Optional.empty()));
    // A required field that is null is missing, as the API server reads it.
    assertThat(only(reader.readString("n.yaml", doc("apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: a}", "spec: {tier: null, priority: 1}"))))
        .isEqualTo("NP006 spec.tier 4:7");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "priority: '10'                                | NP003 spec.priority 5:13",
      "priority: 1.5                                 | NP007 spec.priority 5:13",
      "priority: 99999999999                         | NP007 spec.priority 5:13",
      "tier: [Admin]                                 | NP003 spec.tier 5:9",
      "subject: [namespaces]                         | NP003 spec.subject 5:12",
      "egress: {action: Deny}                        | NP003 spec.egress 5:11",
      "egress: [null]                                | NP003 spec.egress[0] 5:12",
      "egress: [{action: 5, to: []}]                 | NP003 spec.egress[0].action 5:21",
      "egress: [{action: Deny, to: {networks: []}}]  | NP003 spec.egress[0].to 5:31",
      "egress: [{action: Deny, to: [{networks: 10.0.0.0/8}]}] | NP003 spec.egress[0].to[0].networks 5:43",
      "egress: [{action: Deny, to: [{networks: [[a]]}]}] | NP003 spec.egress[0].to[0].networks[0] 5:44",
      "egress: [{action: Deny, to: [{nodes: x}]}]    | NP003 spec.egress[0].to[0].nodes 5:40",
      "egress: [{action: Deny, to: [], protocols: [{tcp: {destinationPort: {number: http}}}]}] | NP003 "
          + "spec.egress[0].protocols[0].tcp.destinationPort.number 5:80",
  })
  void aValueOfTheWrongTypeIsRefusedWithItsPath(String line, String expected) {
    List<String> lines = new java.util.ArrayList<>(List.of("apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: a}", "spec:", "  " + line));
    for (String field : List.of("subject: {namespaces: {}}", "tier: Admin", "priority: 1")) {
      if (!line.startsWith(field.substring(0, field.indexOf(':')))) {
        lines.add("  " + field);
      }
    }
    String text = String.join("\n", lines) + "\n";
    assertThat(only(reader.readString("t.yaml", text))).isEqualTo(expected);
    // The column points at the offending value.
    String[] e = expected.split("[ :]");
    String atColumn = text.split("\n")[4].substring(Integer.parseInt(e[3]) - 1);
    assertThat(atColumn).doesNotStartWith(" ").doesNotStartWith(",");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ClusterNetworkPolicy|subject: {namespaces: {namespaceSelector: {matchLabels: {a: b}}}}|spec.subject.namespaces"
          + ".namespaceSelector|leaving `namespaces: {}`, which selects every namespace",
      "ClusterNetworkPolicy|subject: {namespaces: {matchLabels: {a: b}, sameLabels: [x]}}|spec.subject.namespaces"
          + ".sameLabels|selects by its other fields alone",
      "AdminNetworkPolicy|egress: [{action: Deny, to: [{namespaces: {notSameLabels: [x]}}]}]|spec.egress[0].to[0]"
          + ".namespaces.notSameLabels|leaving `namespaces: {}`",
      "AdminNetworkPolicy|ingress: [{action: Deny, from: [{namespaces: {related: Self}}]}]|spec.ingress[0].from[0]"
          + ".namespaces.related|leaving `namespaces: {}`",
      "ClusterNetworkPolicy|ingress: [{action: Deny, from: [{pods: {namespaces: {}, podSelector: {}}}]}]|"
          + "spec.ingress[0].from[0].pods.namespaces|leaving no namespaceSelector, which selects every namespace",
      "AdminNetworkPolicy|ingress: [{action: Deny, from: [{pods: {namespaces: {}, podSelector: {}}}]}]|"
          + "spec.ingress[0].from[0].pods.namespaces|Without namespaceSelector the API server rejects the object",
      "ClusterNetworkPolicy|ingress: [{action: Deny, from: [], ports: []}]|spec.ingress[0].ports|"
          + "v1alpha2 writes ports as 'protocols'",
      "AdminNetworkPolicy|ingress: [{action: Deny, from: [], protocols: []}]|spec.ingress[0].protocols|"
          + "v1alpha1 writes ports as 'ports'",
      "ClusterNetworkPolicy|egress: [{action: Deny, to: [{networks: [], cidr: x}]}]|spec.egress[0].to[0].cidr|"
          + "expected one of namespaces, pods, nodes, networks, domainNames",
      "ClusterNetworkPolicy|ingres: []|spec.ingres|expected one of",
      "ClusterNetworkPolicy|egress: [{action: Deny, to: [], protocols: [{tcp: {port: 80}}]}]|"
          + "spec.egress[0].protocols[0].tcp.port|expected one of destinationPort",
      "ClusterNetworkPolicy|subject: {pods: {podSelector: {matchLabel: {}}}}|spec.subject.pods.podSelector"
          + ".matchLabel|expected one of matchLabels, matchExpressions",
  })
  void unknownFieldsAreNp011AndDraftFormsSayWhatPruningLeaves(String kind, String line, String path,
      String message) {
    String version = kind.equals("ClusterNetworkPolicy") ? "v1alpha2" : "v1alpha1";
    boolean subject = line.startsWith("subject");
    String text = doc("apiVersion: policy.networking.k8s.io/" + version, "kind: " + kind, "metadata: {name: a}",
        "spec:", version.equals("v1alpha2") ? "  tier: Admin" : "  # no tier", "  priority: 1",
        subject ? "  " + line : "  subject: {namespaces: {}}", subject ? "" : "  " + line);
    ReadResult r = reader.readString("u.yaml", text);
    assertThat(r.errors()).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP011");
      assertThat(d.path()).isEqualTo(path);
      assertThat(d.message()).contains(message);
      String key = path.substring(path.lastIndexOf('.') + 1);
      assertThat(text.split("\n")[d.position().line() - 1].substring(d.position().column() - 1)).startsWith(key);
    });
  }

  @Test
  void hugeListsAreReadAndLeftToValidationWhileAliasBombsHitTheLimits() {
    StringBuilder sb = new StringBuilder(doc("apiVersion: policy.networking.k8s.io/v1alpha2",
        "kind: ClusterNetworkPolicy", "metadata: {name: big}", "spec:", "  tier: Admin", "  priority: 1",
        "  subject: {namespaces: {}}", "  egress:", "  - action: Deny", "    to:", "    - networks:"));
    for (int i = 0; i < 20_000; i++) {
      sb.append("      - 10.").append(i / 256 % 256).append('.').append(i % 256).append(".0/24\n");
    }
    ReadResult r = reader.readString("big.yaml", sb.toString());
    assertThat(r.errors()).isEmpty();
    ClusterNetworkPolicy p = r.cluster().clusterNetworkPolicies().get(0);
    assertThat(p.egress().get(0).peers().get(0).networks().orElseThrow()).hasSize(20_000);
    assertThat(new Validator(ValidationOptions.DEFAULT).validate(p)).extracting(d -> d.ruleId() + " " + d.path())
        .containsExactly("NP154 spec.egress[0].to[0].networks");

    ReaderLimits d = ReaderLimits.DEFAULTS;
    ReaderLimits tight = new ReaderLimits(d.maxFileBytes(), d.maxTotalBytes(), d.maxDepth(), d.maxScalarChars(), 10,
        d.maxDocuments(), d.maxObjects());
    StringBuilder bomb = new StringBuilder("a0: &a0 [10.0.0.0/8, 10.0.0.0/8, 10.0.0.0/8, 10.0.0.0/8]\n");
    for (int i = 1; i < 8; i++) {
      bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
          .append(i - 1).append(", *a").append(i - 1).append("]\n");
    }
    bomb.append(doc("apiVersion: policy.networking.k8s.io/v1alpha2", "kind: ClusterNetworkPolicy",
        "metadata: {name: bomb}", "spec: {tier: Admin, priority: 1, subject: {namespaces: {}}, egress: [{action: Deny,"
            + " to: [{networks: *a7}]}]}"));
    ReadResult b = new PolicyReader(tight).readString("bomb.yaml", bomb.toString());
    assertThat(b.errors()).isNotEmpty().first().satisfies(e -> assertThat(e.ruleId()).isEqualTo("NP002"));
    assertThat(b.cluster().hasTieredPolicies()).isFalse();

    // maxObjects counts cluster policies like any object, List items included.
    ReaderLimits two = new ReaderLimits(d.maxFileBytes(), d.maxTotalBytes(), d.maxDepth(), d.maxScalarChars(),
        d.maxAliases(), d.maxDocuments(), 2);
    StringBuilder list = new StringBuilder("apiVersion: policy.networking.k8s.io/v1alpha2\n"
        + "kind: ClusterNetworkPolicyList\nitems:\n");
    for (int i = 0; i < 3; i++) {
      list.append("- {metadata: {name: p").append(i).append("}, spec: {tier: Admin, priority: 1, subject: "
          + "{namespaces: {}}}}\n");
    }
    assertThat(only(new PolicyReader(two).readString("list.yaml", list.toString())))
        .isEqualTo("NP002 items[2] 6:3");
  }

  @Test
  void theFastScannerAndJacksonReadEveryGeneratedPolicyAlike() {
    qt().withExamples(150).forAll(
        SourceDSL.lists().of(ValidPolicyGen.clusterNetworkPolicies()).ofSizeBetween(0, 3),
        SourceDSL.lists().of(ValidPolicyGen.adminNetworkPolicies()).ofSizeBetween(0, 2),
        SourceDSL.lists().of(ValidPolicyGen.baselineAdminNetworkPolicies()).ofSizeBetween(0, 1))
        .checkAssert((cnps, anps, banps) -> {
          String yaml = PolicyWriter.toYaml(Cluster.EMPTY.withTieredPolicies(cnps, anps, banps));
          ReadResult fast = new PolicyReader(ReaderLimits.DEFAULTS, true).readString("g.yaml", yaml);
          ReadResult jackson = new PolicyReader(ReaderLimits.DEFAULTS, false).readString("g.yaml", yaml);
          assertThat(fast.errors()).as(yaml).isEmpty();
          SimpleYamlScannerTest.assertSameResult(fast, jackson);
        });
  }

  @Test
  void theFastScannerAndJacksonAgreeOnBrokenClusterPolicies() {
    String[] texts = {CNP, ANP, BANP, REQUIRED};
    String[] damage = {"    to:\n", "  priority: 1\n", "  tier: Admin\n", "    - namespaces: {matchLabels: {team: "
        + "monitoring}}\n"};
    String[] replacement = {"    to: {}\n", "  priority: x\n", "  tier: Admin\n  tier: Baseline\n",
        "    - namespaces: {namespaceSelector: {}}\n"};
    for (String text : texts) {
      for (int i = 0; i < damage.length; i++) {
        String broken = text.replace(damage[i], replacement[i]);
        SimpleYamlScannerTest.assertSameResult(new PolicyReader(ReaderLimits.DEFAULTS, true).readString("b.yaml",
            broken), new PolicyReader(ReaderLimits.DEFAULTS, false).readString("b.yaml", broken));
      }
    }
  }

  @Test
  void chunkedParallelReadsOfClusterPoliciesEqualSequentialOnes() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2_500; i++) {
      sb.append("---\n").append(CNP.replace("admin-guard", "cnp-" + i)).append("---\n")
          .append(ANP.replace("legacy", "anp-" + i));
    }
    String text = sb.toString();
    assertThat(text.length()).isGreaterThan(DocumentChunks.MIN_SPLIT_CHARS);
    ReadResult parallel = new PolicyReader(ReaderLimits.DEFAULTS, true, true).readString("many.yaml", text);
    ReadResult sequential = new PolicyReader(ReaderLimits.DEFAULTS, true, false).readString("many.yaml", text);
    SimpleYamlScannerTest.assertSameResult(parallel, sequential);
    assertThat(parallel.cluster().clusterNetworkPolicies()).hasSize(2_500);
    assertThat(parallel.cluster().adminNetworkPolicies().get(2_499).name()).isEqualTo("anp-2499");
  }

  @Test
  void anyClusterPolicyRoundTripsThroughTheWriter() {
    qt().withExamples(300).forAll(ValidPolicyGen.clusterNetworkPolicies()).checkAssert(p -> {
      String yaml = PolicyWriter.toYaml(p);
      ReadResult r = reader.readString("cnp.yaml", yaml);
      assertThat(r.errors()).as(yaml).isEmpty();
      assertThat(ValidPolicyGen.withoutSource(r.cluster().clusterNetworkPolicies().get(0))).as(yaml).isEqualTo(p);
      assertThat(PolicyWriter.toYaml(r.cluster().clusterNetworkPolicies().get(0))).isEqualTo(yaml);
    });
    qt().withExamples(200).forAll(ValidPolicyGen.adminNetworkPolicies()).checkAssert(p -> {
      String yaml = PolicyWriter.toYaml(p);
      ReadResult r = reader.readString("anp.yaml", yaml);
      assertThat(r.errors()).as(yaml).isEmpty();
      assertThat(ValidPolicyGen.withoutSource(r.cluster().adminNetworkPolicies().get(0))).as(yaml).isEqualTo(p);
    });
    qt().withExamples(200).forAll(ValidPolicyGen.baselineAdminNetworkPolicies()).checkAssert(p -> {
      String yaml = PolicyWriter.toYaml(p);
      ReadResult r = reader.readString("banp.yaml", yaml);
      assertThat(r.errors()).as(yaml).isEmpty();
      assertThat(ValidPolicyGen.withoutSource(r.cluster().baselineAdminNetworkPolicies().get(0))).as(yaml)
          .isEqualTo(p);
    });
  }

  @Test
  void writesWhatWasReadBackToTheSameRecordsIncludingInvalidShapes() {
    // Shapes validation rejects must survive a round trip too, so that convert and the tests
    // can carry them: no protocol field, tcp without a port, both fields of a port, empty lists.
    ClusterNetworkPolicy odd = new ClusterNetworkPolicy("odd", "admin", 2000, new ClusterPolicySubject(
        Optional.empty(), Optional.empty()), List.of(new ClusterPolicyRule(Optional.of(""), "Allow", List.of(),
        Optional.of(List.of()))), List.of(new ClusterPolicyRule(Optional.empty(), "", List.of(
            new ClusterPolicyPeer(Optional.of(LabelSelector.EVERYTHING), Optional.empty(), Optional.empty(),
                Optional.of(List.of()), Optional.empty())), Optional.of(List.of(
            new ClusterPolicyProtocol(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
            ClusterPolicyProtocol.tcp(DestinationPort.ANY),
            ClusterPolicyProtocol.udp(new DestinationPort(Optional.of(1), Optional.of(
                new dev.netpolc.model.npa.PortRange(9, 3)))))))),
        ClusterPolicyKind.CLUSTER_NETWORK_POLICY, SourceMap.EMPTY, Set.of("NP155"));
    String yaml = PolicyWriter.toYaml(odd);
    ReadResult r = reader.readString("odd.yaml", yaml);
    assertThat(r.errors()).as(yaml).isEmpty();
    assertThat(ValidPolicyGen.withoutSource(r.cluster().clusterNetworkPolicies().get(0))).as(yaml).isEqualTo(odd);
  }

  @Test
  void clustersWithEveryKindRoundTripAsOneStream() {
    qt().withExamples(60).forAll(
        SourceDSL.lists().of(ValidPolicyGen.policies()).ofSizeBetween(0, 2),
        SourceDSL.lists().of(ValidPolicyGen.clusterNetworkPolicies()).ofSizeBetween(0, 2),
        SourceDSL.lists().of(ValidPolicyGen.adminNetworkPolicies()).ofSizeBetween(0, 2),
        SourceDSL.lists().of(ValidPolicyGen.baselineAdminNetworkPolicies()).ofSizeBetween(0, 1))
        .checkAssert((nps, cnps, anps, banps) -> {
          Cluster c = new Cluster(List.of(), List.of(), List.of(), nps, cnps, anps, banps);
          String yaml = PolicyWriter.toYaml(c);
          ReadResult r = reader.readString("c.yaml", yaml);
          assertThat(r.errors()).as(yaml).isEmpty();
          assertThat(SimpleYamlScannerTest.withoutSources(r.cluster())).isEqualTo(c);
        });
  }

  private static SourcePosition at(String file, int line, int column) {
    return new SourcePosition(file, line, column);
  }

  /** The only error as {@code "ID path line:col"}. */
  private static String only(ReadResult r) {
    assertThat(r.errors()).hasSize(1);
    Diagnostic d = r.errors().get(0);
    return d.ruleId() + " " + d.path() + " " + d.position().line() + ":" + d.position().column();
  }
}
