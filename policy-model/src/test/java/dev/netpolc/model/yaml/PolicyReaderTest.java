package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.LabelSelectorRequirement.Operator;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input forms the reader accepts, and what it makes of them. */
class PolicyReaderTest {
  private static final String POLICY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
      + "  name: %s\n  namespace: prod\nspec:\n  podSelector: {}\n";

  private final PolicyReader reader = new PolicyReader();

  private static String policy(String name) {
    return String.format(POLICY, name);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"*\0", "a: *\u0085", "kind: NetworkPolicy\napiVersion:"
      + " networking.k8s.io/v1\nmetadata: {name: a, namespace: b}\nspec: {podSelector: {}, \"x\\e[2J\": 1}\n"})
  void errorsShowControlCharactersOfTheInputAsQuestionMarks(String text) {
    // Found by PolicyReaderFuzzTest: SnakeYAML's message quoted a NUL raw ("unexpected character
    // found \0(0)"); a key written with a YAML escape reaches messages and paths the same way.
    for (boolean scanner : new boolean[] {true, false}) {
      ReadResult r = new PolicyReader(ReaderLimits.DEFAULTS, scanner).readString("c.yaml", text);
      assertThat(r.errors()).isNotEmpty().allSatisfy(e -> {
        assertThat(e.message()).doesNotContainPattern("[\\p{Cc}]").as(e.toString());
        assertThat(e.path()).doesNotContainPattern("[\\p{Cc}]");
      });
    }
  }

  @Test
  void readsEveryFieldOfAPolicyAsWritten() {
    String yaml = String.join("\n",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata:",
        "  name: web",
        "spec:",
        "  podSelector:",
        "    matchLabels: {app: web}",
        "    matchExpressions:",
        "    - {key: tier, operator: NotIn, values: [db]}",
        "    - {key: legacy, operator: DoesNotExist}",
        "  policyTypes: [Ingress, Egress]",
        "  ingress:",
        "  - from:",
        "    - podSelector: {}",
        "      namespaceSelector: {matchLabels: {team: a}}",
        "    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}",
        "    ports:",
        "    - port: 80",
        "    - {protocol: UDP, port: \"80\"}",
        "    - {port: dns, protocol: SCTP}",
        "    - {port: 1000, endPort: 2000}",
        "    - {}",
        "  egress:",
        "  - {}",
        "");
    ReadResult r = reader.readString("p.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    NetworkPolicy p = r.cluster().policies().get(0);
    assertThat(p.namespace()).isEqualTo("default");
    assertThat(p.source().has("metadata.namespace")).isFalse();
    assertThat(p.podSelector()).isEqualTo(new LabelSelector(Map.of("app", "web"), List.of(
        LabelSelectorRequirement.of("tier", Operator.NotIn, "db"),
        LabelSelectorRequirement.of("legacy", Operator.DoesNotExist))));
    assertThat(p.policyTypes()).containsExactly("Ingress", "Egress");
    List<Peer> peers = p.ingress().get(0).peers();
    assertThat(peers.get(0)).isEqualTo(new Peer(Optional.of(LabelSelector.EVERYTHING),
        Optional.of(LabelSelector.ofLabels(Map.of("team", "a"))), Optional.empty()));
    assertThat(peers.get(1).ipBlock().get().cidr()).isEqualTo("10.0.0.0/8");
    assertThat(peers.get(1).ipBlock().get().except()).containsExactly("10.1.0.0/16");
    assertThat(p.ingress().get(0).ports()).containsExactly(
        new PolicyPort(Optional.empty(), Optional.of(PortValue.of(80)), Optional.empty()),
        new PolicyPort(Optional.of("UDP"), Optional.of(PortValue.named("80")), Optional.empty()),
        new PolicyPort(Optional.of("SCTP"), Optional.of(PortValue.named("dns")), Optional.empty()),
        new PolicyPort(Optional.empty(), Optional.of(PortValue.of(1000)), Optional.of(2000)),
        new PolicyPort(Optional.empty(), Optional.empty(), Optional.empty()));
    assertThat(p.egress()).hasSize(1);
    assertThat(p.egress().get(0).peers()).isEmpty();
    assertThat(p.egress().get(0).ports()).isEmpty();
  }

  @Test
  void recordsThePositionOfEveryFieldAcrossDocuments() {
    String yaml = "# leading comment\n---\n" + policy("a") + "---\n" + String.join("\n",
        "apiVersion: networking.k8s.io/v1", // line 11
        "kind: NetworkPolicy",
        "metadata:",
        "  name: b",
        "spec:",
        "  podSelector:",
        "    matchLabels:",
        "      app: web", // 18
        "  ingress:",
        "  - from:", // 20
        "    - podSelector: {}",
        "    - ipBlock:",
        "        cidr: 10.0.0.0/8",
        "        except:",
        "        - 10.1.0.0/16", // 25
        "    ports:",
        "    - port: 80", // 27
        "");
    ReadResult r = reader.readString("multi.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    SourceMap a = r.cluster().policies().get(0).source();
    SourceMap b = r.cluster().policies().get(1).source();
    assertThat(a.objectPosition()).isEqualTo(new SourcePosition("multi.yaml", 3, 1));
    assertThat(a.find("metadata.name")).isEqualTo(new SourcePosition("multi.yaml", 6, 9));
    assertThat(b.objectPosition()).isEqualTo(new SourcePosition("multi.yaml", 11, 1));
    assertThat(b.find("spec.podSelector.matchLabels.app")).isEqualTo(new SourcePosition("multi.yaml", 18, 12));
    assertThat(b.find("spec.ingress[0].from[1].ipBlock.except[0]"))
        .isEqualTo(new SourcePosition("multi.yaml", 25, 11));
    assertThat(b.find("spec.ingress[0].from[1].ipBlock.cidr")).isEqualTo(new SourcePosition("multi.yaml", 23, 15));
    assertThat(b.find("spec.ingress[0].ports[0].port")).isEqualTo(new SourcePosition("multi.yaml", 27, 13));
    assertThat(b.find("spec.ingress[0].from")).isEqualTo(new SourcePosition("multi.yaml", 20, 5));
    assertThat(b.find("spec.ingress[0].from[0]").line()).isEqualTo(21);
    // An unwritten path falls back to its nearest written parent.
    assertThat(b.has("spec.ingress[0].ports[0].protocol")).isFalse();
    assertThat(b.find("spec.ingress[0].ports[0].protocol")).isEqualTo(b.find("spec.ingress[0].ports[0]"));
  }

  @Test
  void readsListsAndTypedListsWithFileAbsolutePositions() {
    String yaml = String.join("\n",
        "apiVersion: v1",
        "kind: List",
        "items:",
        "- apiVersion: v1",
        "  kind: Namespace",
        "  metadata: {name: x, labels: {team: a}}",
        "- apiVersion: networking.k8s.io/v1", // 7
        "  kind: NetworkPolicy",
        "  metadata: {name: np, namespace: x}",
        "  spec:",
        "    podSelector: {matchLabels: {app: web}}", // 11
        "- apiVersion: apps/v1",
        "  kind: Deployment",
        "  metadata: {name: d}",
        "---",
        "apiVersion: v1",
        "kind: PodList",
        "items:",
        "- metadata: {name: p, namespace: x}", // 19: items of a typed list may omit kind
        "  status: {podIP: 10.0.0.7}",
        "");
    ReadResult r = reader.readString("list.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().namespaces().get(0).labels()).containsEntry("team", "a")
        .containsEntry("kubernetes.io/metadata.name", "x");
    NetworkPolicy p = r.cluster().policies().get(0);
    assertThat(p.position()).isEqualTo(new SourcePosition("list.yaml", 7, 3));
    assertThat(p.source().find("spec.podSelector.matchLabels.app").line()).isEqualTo(11);
    assertThat(r.cluster().pods().get(0).position()).isEqualTo(new SourcePosition("list.yaml", 19, 3));
    assertThat(r.cluster().pods().get(0).ips()).containsExactly(IpAddress.parse("10.0.0.7"));
    assertThat(r.skippedKinds()).containsExactly(Map.entry("Deployment", 1));
    assertThat(r.objectCount()).isEqualTo(3);
  }

  @Test
  void readsHelmOutputWithEmptyAndCommentOnlyDocuments() {
    String yaml = "---\n# Source: chart/templates/empty.yaml\n---\n# Source: chart/templates/np.yaml\n"
        + policy("helm") + "---\n---\n\n---\nnull\n...\n---\n# trailing\n";
    ReadResult r = reader.readString("helm.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().policies()).extracting(NetworkPolicy::name).containsExactly("helm");
    assertThat(r.cluster().policies().get(0).position().line()).isEqualTo(5);
  }

  @Test
  void readsJsonWithPositions() {
    String json = "{\n  \"apiVersion\": \"networking.k8s.io/v1\",\n  \"kind\": \"NetworkPolicy\",\n"
        + "  \"metadata\": {\"name\": \"j\", \"namespace\": \"n\"},\n"
        + "  \"spec\": {\"podSelector\": {}, \"ingress\": [{\"ports\": [{\"port\": 443}]}]}\n}\n";
    ReadResult r = reader.readString("p.json", json);
    assertThat(r.errors()).isEmpty();
    NetworkPolicy p = r.cluster().policies().get(0);
    assertThat(p.ingress().get(0).ports().get(0).port()).contains(PortValue.of(443));
    assertThat(p.source().find("spec.ingress[0].ports[0].port")).isEqualTo(new SourcePosition("p.json", 5, 63));
  }

  @Test
  void readsDirectoriesRecursivelyInSortedOrderAndOnlyPolicyFiles(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("b/nested"));
    Files.writeString(dir.resolve("b/nested/z.yml"), policy("z"));
    Files.writeString(dir.resolve("b/a.json"), "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\","
        + " \"metadata\": {\"name\": \"j\"}}");
    Files.writeString(dir.resolve("a.yaml"), policy("a"));
    Files.writeString(dir.resolve("c.YAML"), policy("c"));
    Files.writeString(dir.resolve("notes.txt"), "not: [yaml");
    Files.writeString(dir.resolve("README.md"), "# hi");
    ReadResult r = reader.read(List.of(dir));
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().policies()).extracting(NetworkPolicy::name).containsExactly("a", "z", "c");
    assertThat(r.cluster().namespaces()).extracting(n -> n.name()).containsExactly("j");
    assertThat(r.cluster().policies().get(1).position().file()).isEqualTo(dir.resolve("b/nested/z.yml").toString());
  }

  @Test
  void readsStdinAsDash() {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream(policy("from-stdin").getBytes(StandardCharsets.UTF_8)));
      ReadResult r = reader.read(List.of(Path.of("-")));
      assertThat(r.errors()).isEmpty();
      assertThat(r.cluster().policies().get(0).name()).isEqualTo("from-stdin");
      assertThat(r.cluster().policies().get(0).position().file()).isEqualTo("<stdin>");
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void readsAStream() {
    ReadResult r = reader.read("in.yaml", new ByteArrayInputStream(policy("s").getBytes(StandardCharsets.UTF_8)));
    assertThat(r.cluster().policies()).extracting(NetworkPolicy::name).containsExactly("s");
  }

  @Test
  void countsSkippedKindsAndOtherApiVersions() {
    String yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n---\n"
        + "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n---\n"
        + "apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\nmetadata: {name: old}\n---\n"
        + "apiVersion: v1\nkind: ConfigMapList\nitems:\n- metadata: {name: cm}\n";
    ReadResult r = reader.readString("k.yaml", yaml);
    assertThat(r.ok()).isTrue();
    assertThat(r.skippedKinds()).containsExactly(Map.entry("ConfigMap", 1), Map.entry("Deployment", 2),
        Map.entry("NetworkPolicy", 1));
    assertThat(r.objectCount()).isZero();
  }

  @Test
  void readsPodsNodesAndNamespaces() {
    String yaml = String.join("\n",
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: p, namespace: x, labels: {app: web}}",
        "spec:",
        "  nodeName: n1",
        "  hostNetwork: true",
        "  containers:",
        "  - name: a",
        "    image: nginx",
        "    ports: [{name: http, containerPort: 80}, {containerPort: 53, protocol: UDP}]",
        "  initContainers:",
        "  - name: i",
        "    ports: [{name: init, containerPort: 9000, protocol: SCTP}]",
        "status:",
        "  phase: Running",
        "  podIP: 10.0.0.1",
        "  podIPs: [{ip: 10.0.0.1}, {ip: 'fd00::1'}]",
        "---",
        "apiVersion: v1",
        "kind: Node",
        "metadata: {name: n1, labels: {zone: a}}",
        "spec: {podCIDR: 10.244.0.0/24, podCIDRs: [10.244.0.0/24, 'fd00:1::/64']}",
        "status:",
        "  addresses:",
        "  - {type: InternalIP, address: 192.168.0.1}",
        "  - {type: Hostname, address: n1}",
        "  - {type: ExternalIP, address: 203.0.113.9}",
        "---",
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: q}",
        "status: {podIP: 10.0.0.2}",
        "");
    ReadResult r = reader.readString("inv.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    Pod p = r.cluster().pods().get(0);
    assertThat(p.key()).isEqualTo("x/p");
    assertThat(p.nodeName()).isEqualTo("n1");
    assertThat(p.hostNetwork()).isTrue();
    assertThat(p.phase()).isEqualTo("Running");
    assertThat(p.ips()).containsExactly(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1"));
    assertThat(p.ports()).containsExactly(new ContainerPort("http", 80, Protocol.TCP),
        new ContainerPort(null, 53, Protocol.UDP));
    assertThat(p.initPorts()).containsExactly(new ContainerPort("init", 9000, Protocol.SCTP));
    assertThat(r.cluster().pods().get(1).namespace()).isEqualTo("default");
    assertThat(r.cluster().pods().get(1).ips()).containsExactly(IpAddress.parse("10.0.0.2"));
    Node n = r.cluster().nodes().get(0);
    assertThat(n.addresses()).containsExactly(IpAddress.parse("192.168.0.1"), IpAddress.parse("203.0.113.9"));
    assertThat(n.podCidrs()).containsExactly(Cidr.of("10.244.0.0/24"), Cidr.of("fd00:1::/64"));
    assertThat(n.position()).isEqualTo(new SourcePosition("inv.yaml", 19, 1));
  }

  @Test
  void collectsInlineSuppressions() {
    String yaml = "# netpolc: disable=NP212\n# Source: chart/np.yaml\n" + policy("a")
        + "---\n" + policy("b").replace("podSelector: {}", "podSelector: {}  # netpolc: disable=NP303, NP212")
        + "---\n" + policy("c") + "# netpolc: disable=NP999\n"
        + "---\n# netpolc: disable=NP999\n\n" + policy("d");
    ReadResult r = reader.readString("s.yaml", yaml);
    // a: above, through Helm's comment; b: on a line of the object; c: after its last line, so not
    // its own; d: separated from the object by a blank line.
    assertThat(r.cluster().policies()).extracting(p -> p.name() + p.suppressedRules())
        .containsExactly("a[NP212]", "b[NP212, NP303]", "c[]", "d[]");
  }

  @Test
  void acceptsAnchorsAliasesAndMergeKeys() {
    String yaml = String.join("\n",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: m}",
        "spec:",
        "  podSelector: &sel {matchLabels: {app: &app web}}",
        "  ingress:",
        "  - from: [{podSelector: *sel}]",
        "    ports: [{port: &p 80}]",
        "  egress:",
        "  - to:",
        "    - podSelector:",
        "        matchLabels:",
        "          <<: {tier: db, app: ignored}",
        "          app: *app",
        "    ports: [{port: *p}]",
        "");
    ReadResult r = reader.readString("a.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    NetworkPolicy p = r.cluster().policies().get(0);
    assertThat(p.ingress().get(0).peers().get(0).podSelector()).contains(p.podSelector());
    assertThat(p.ingress().get(0).ports().get(0).port()).contains(PortValue.of(80));
    assertThat(p.egress().get(0).peers().get(0).podSelector().get().matchLabels())
        .containsExactly(Map.entry("app", "web"), Map.entry("tier", "db"));
    assertThat(p.egress().get(0).ports().get(0).port()).contains(PortValue.of(80));
  }

  @Test
  void nullValuesReadAsAbsent() {
    String yaml = policy("n").replace("podSelector: {}", "podSelector:\n  policyTypes: ~\n  ingress:\n"
        + "  - from:\n    - podSelector: null\n      namespaceSelector: {}\n    ports:");
    ReadResult r = reader.readString("n.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    NetworkPolicy p = r.cluster().policies().get(0);
    assertThat(p.podSelector()).isEqualTo(LabelSelector.EVERYTHING);
    assertThat(p.policyTypes()).isEmpty();
    assertThat(p.ingress().get(0).peers().get(0)).isEqualTo(Peer.namespaces(LabelSelector.EVERYTHING));
    assertThat(p.ingress().get(0).ports()).isEmpty();
    assertThat(p.source().has("spec.ingress[0].from[0].podSelector")).isFalse();
  }

  @Test
  void reportsEveryBadObjectOfAFileAndKeepsNone() {
    String yaml = policy("good") + "---\n" + policy("bad1").replace("podSelector: {}", "podSelector: []")
        + "---\n" + policy("bad2").replace("podSelector: {}", "ingress: {}");
    ReadResult r = reader.readString("two.yaml", yaml);
    assertThat(r.errors()).extracting(d -> d.ruleId() + "@" + d.position().line() + " " + d.path())
        .containsExactly("NP003@15 spec.podSelector", "NP003@23 spec.ingress");
    assertThat(r.cluster().policies()).isEmpty();
  }

  @Test
  void reportsMissingPathsWithoutPosition() {
    ReadResult r = reader.read(List.of(Path.of("/nonexistent/netpolc/x.yaml")));
    assertThat(r.errors()).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP010");
      assertThat(d.position().file()).isEqualTo("/nonexistent/netpolc/x.yaml");
      assertThat(d.message()).contains("no such file");
    });
  }

  @Test
  void resultIsIdenticalForIdenticalInput(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b.yaml"), policy("b"));
    Files.writeString(dir.resolve("a.yaml"), policy("a") + "---\nkind: Secret\napiVersion: v1\n");
    ReadResult first = reader.read(List.of(dir));
    ReadResult second = reader.read(List.of(dir));
    assertThat(second.cluster().policies()).extracting(ValidPolicyGen::withoutSource)
        .isEqualTo(first.cluster().policies().stream().map(ValidPolicyGen::withoutSource)
            .collect(java.util.stream.Collectors.toList()));
    assertThat(second.cluster().policies().get(1).source().all())
        .isEqualTo(first.cluster().policies().get(1).source().all());
    assertThat(second.skippedKinds()).isEqualTo(first.skippedKinds()).containsEntry("Secret", 1);
  }
}
