package dev.netpolc.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule of {@link CalicoValidator} (NP171–NP186) with inputs Calico's API server rejects:
 * the rule id, the field path, the message and the line (marked {@code #<} in the input); the
 * nearest inputs it accepts; and a corpus of every Calico kind beside Kubernetes objects that
 * validates clean.
 */
class CalicoValidatorTest {
  private static final String GNP = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\n";
  private static final String NP =
      "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: n}\n";

  private static List<Diagnostic> findings(String yaml) {
    ReadResult r = new PolicyReader().readString("v.yaml", yaml);
    assertThat(r.errors()).as(yaml).isEmpty();
    return new Validator(ValidationOptions.DEFAULT).validate(r.cluster());
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        // NP171: the Action enum.
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: allow #<\n", "NP171", "spec.ingress[0].action",
            "must be Allow, Deny, Log or Pass"),
        // NP172: validateProtocol.
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: TCPX #<\n", "NP172",
            "spec.ingress[0].protocol", "protocol name \"TCPX\" invalid"),
        Arguments.of(GNP + "spec:\n  egress:\n  - action: Allow\n    notProtocol: 0 #<\n", "NP172",
            "spec.egress[0].notProtocol", "protocol number 0 invalid"),
        Arguments.of(GNP + "spec:\n  egress:\n  - action: Allow\n    protocol: \"256\" #<\n", "NP172",
            "spec.egress[0].protocol", "protocol number 256 invalid"),
        Arguments.of(GNP + "spec:\n  egress:\n  - action: Allow\n    protocol: tcp #<\n", "NP172",
            "spec.egress[0].protocol", "protocol name \"tcp\" invalid"),
        // NP173: ICMPFields ranges and CEL (code needs type).
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: ICMP\n    icmp:\n      type: 255 #<\n",
            "NP173", "spec.ingress[0].icmp.type", "ICMP type 255 invalid: must be 0 to 254"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: ICMP\n    icmp: {type: 3, code: 256} #<\n",
            "NP173", "spec.ingress[0].icmp.code", "ICMP code 256 invalid"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    notICMP: {code: 1} #<\n", "NP173",
            "spec.ingress[0].notICMP.code", "ICMP code specified without an ICMP type"),
        // NP174: Rule CEL (icmp needs ICMP/ICMPv6; ICMP and ipVersion agree).
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: TCP\n    icmp: {type: 8} #<\n",
            "NP174", "spec.ingress[0].icmp", "ICMP fields require protocol to be ICMP or ICMPv6"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    ipVersion: 6\n    protocol: ICMP #<\n",
            "NP174", "spec.ingress[0].protocol", "protocol ICMP requires ipVersion 4"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    ipVersion: 4\n    notProtocol: 58 #<\n",
            "NP174", "spec.ingress[0].notProtocol", "protocol ICMPv6 requires ipVersion 6"),
        // NP175: the ipVersion enum.
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    ipVersion: 5 #<\n", "NP175",
            "spec.ingress[0].ipVersion", "must be 4 or 6"),
        // NP176: validateRule (ports need a protocol with ports).
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    destination:\n      ports: [80] #<\n", "NP176",
            "spec.ingress[0].destination.ports", "numeric port or port range must set protocol"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: ICMP\n    destination:\n      notPorts: [http] #<\n",
            "NP176", "spec.ingress[0].destination.notPorts", "must set protocol to TCP or UDP or SCTP (protocol is ICMP)"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: UDPLite\n    destination:\n      ports: [5] #<\n",
            "NP176", "spec.ingress[0].destination.ports", "protocol is UDPLite"),
        // NP177: numorstring.Port, validatePort, IANA port names.
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: TCP\n    destination:\n      ports:\n"
            + "      - 0 #<\n", "NP177", "spec.ingress[0].destination.ports[0]", "between 1 and 65535"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: TCP\n    destination:\n      ports:\n"
            + "      - 80\n      - 70000 #<\n", "NP177", "spec.ingress[0].destination.ports[1]", "invalid port format (70000)"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: TCP\n    destination:\n      ports:\n"
            + "      - \"90:80\" #<\n", "NP177", "spec.ingress[0].destination.ports[0]", "the first port is above"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: TCP\n    destination:\n      notPorts:\n"
            + "      - web_ui #<\n", "NP177", "spec.ingress[0].destination.notPorts[0]", "not a number, a range a:b"),
        // NP178: the "net" validator and validateRule's scanNets.
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    source:\n      nets: [10.0.0.1/8] #<\n", "NP178",
            "spec.ingress[0].source.nets[0]", "host bits are set (Calico requires the network address, 10.0.0.0/8)"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    source:\n      nets: [10.0.0.1] #<\n", "NP178",
            "spec.ingress[0].source.nets[0]", "invalid CIDR \"10.0.0.1\""),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    destination:\n      notNets: [\"::/0\"] #<\n",
            "NP178", "spec.ingress[0].destination.notNets[0]", "catch-all CIDR in negation"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    ipVersion: 6\n    source:\n      nets: [10.0.0.0/8] #<\n",
            "NP178", "spec.ingress[0].source.nets", "rule IP version doesn't match CIDR version"),
        Arguments.of(GNP + "spec:\n  ingress:\n  - action: Allow\n    source:\n      nets: [10.0.0.0/8]\n    destination:\n"
            + "      notNets: [\"fd00::/8\"] #<\n", "NP178", "spec.ingress[0].destination.notNets",
            "rule contains both IPv4 and IPv6 CIDRs"),
        // NP179: global() (policy CEL and validateEntityRule).
        Arguments.of(GNP + "spec:\n  selector: global() #<\n", "NP179", "spec.selector",
            "global() can only be used in an EntityRule namespaceSelector"),
        Arguments.of(NP + "spec:\n  serviceAccountSelector: has(a) || global() #<\n", "NP179",
            "spec.serviceAccountSelector", "global() can only be used"),
        Arguments.of(GNP + "spec:\n  namespaceSelector: \"!global()\" #<\n", "NP179", "spec.namespaceSelector",
            "global() can only be used"),
        Arguments.of(GNP + "spec:\n  egress:\n  - action: Deny\n    destination:\n      selector: global() #<\n", "NP179",
            "spec.egress[0].destination.selector", "global() can only be used"),
        Arguments.of(GNP + "spec:\n  egress:\n  - action: Deny\n    destination:\n      namespaceSelector: global() && "
            + "a == 'b' #<\n", "NP179", "spec.egress[0].destination.namespaceSelector", "cannot be combined"),
        // NP180: services (EntityRule and Rule CEL, validate(Global)NetworkPolicySpec).
        Arguments.of(NP + "spec:\n  ingress:\n  - action: Allow\n    destination:\n      services: {name: s} #<\n", "NP180",
            "spec.ingress[0].destination.services", "not allowed in ingress rule destination"),
        Arguments.of(NP + "spec:\n  egress:\n  - action: Allow\n    source:\n      services: {name: s} #<\n", "NP180",
            "spec.egress[0].source.services", "not allowed in egress rule source"),
        Arguments.of(NP + "spec:\n  egress:\n  - action: Allow\n    destination:\n      services: {namespace: x} #<\n",
            "NP180", "spec.egress[0].destination.services.name", "must specify a service name"),
        Arguments.of(NP + "spec:\n  egress:\n  - action: Allow\n    destination:\n      services: {name: s}\n"
            + "      selector: a == 'b' #<\n", "NP180", "spec.egress[0].destination.selector",
            "cannot specify Selector/NotSelector and Services"),
        Arguments.of(NP + "spec:\n  egress:\n  - action: Allow\n    destination:\n      services: {name: s}\n"
            + "      namespaceSelector: all() #<\n", "NP180", "spec.egress[0].destination.namespaceSelector",
            "cannot specify NamespaceSelector and Services"),
        Arguments.of(NP + "spec:\n  egress:\n  - action: Allow\n    destination:\n      services: {name: s}\n"
            + "      serviceAccounts: {names: [a]} #<\n", "NP180", "spec.egress[0].destination.serviceAccounts",
            "cannot specify ServiceAccounts and Services"),
        Arguments.of(NP + "spec:\n  egress:\n  - action: Allow\n    destination:\n      services: {name: s}\n"
            + "      notNets: [10.0.0.0/8] #<\n", "NP180", "spec.egress[0].destination.notNets",
            "cannot specify Nets/NotNets and Services"),
        Arguments.of(NP + "spec:\n  egress:\n  - action: Allow\n    protocol: TCP\n    destination:\n"
            + "      services: {name: s}\n      ports: [80] #<\n", "NP180", "spec.egress[0].destination.ports",
            "ports and notPorts cannot be specified with services"),
        Arguments.of(GNP + "spec:\n  egress:\n  - action: Allow\n    destination:\n      services: #<\n        name: s\n",
            "NP180", "spec.egress[0].destination.services.namespace", "must specify a namespace"),
        // NP181: networkPolicyNameRegex, globalNetworkPolicyNameRegex, namespace a DNS label.
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: Web_Policy #<\n",
            "NP181", "metadata.name", "invalid name \"Web_Policy\""),
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: a.b.c #<\n", "NP181",
            "metadata.name", "at most one '.'"),
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: knp.default.x #<\n",
            "NP181", "metadata.name", "invalid name"),
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata:\n  name: p\n"
            + "  namespace: Team_A #<\n", "NP181", "metadata.namespace", "RFC 1123 label"),
        // NP182: validateTier, TierSpec, tier.go CEL, and spec.tier's name format.
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: sec.ops #<\n", "NP182",
            "metadata.name", "(no dots)"),
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: " + "t".repeat(64) + " #<\n",
            "NP182", "metadata.name", "name is too long by 1 bytes"),
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: sec}\nspec:\n"
            + "  defaultAction: Allow #<\n", "NP182", "spec.defaultAction", "must be Deny or Pass"),
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: default}\nspec:\n"
            + "  order: 5 #<\n", "NP182", "spec.order", "default tier order must be 1000000"),
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: kube-admin}\nspec:\n  order: 1000\n"
            + "  defaultAction: Deny #<\n", "NP182", "spec.defaultAction", "'kube-admin' tier must have default action 'Pass'"),
        Arguments.of(GNP + "spec:\n  tier: Security #<\n", "NP182", "spec.tier", "invalid tier name \"Security\""),
        // NP183: the PolicyType enum, MaxItems=2, and no repeats.
        Arguments.of(GNP + "spec:\n  types:\n  - Ingress\n  - Ingress #<\n", "NP183", "spec.types[1]",
            "'Ingress' type specified more than once"),
        Arguments.of(GNP + "spec:\n  types: [Forward] #<\n", "NP183", "spec.types[0]", "must be Ingress or Egress"),
        // NP184: what netpolc cannot enforce as pod policy.
        Arguments.of(GNP + "spec:\n  doNotTrack: true #<\n", "NP184", "spec.doNotTrack", "host endpoints"),
        Arguments.of(GNP + "spec:\n  preDNAT: true #<\n", "NP184", "spec.preDNAT", "before DNAT"),
        Arguments.of(GNP + "spec:\n  applyOnForward: true #<\n", "NP184", "spec.applyOnForward", "forwarded"),
        Arguments.of(NP + "spec:\n  ingress:\n  - action: Allow\n    http: #<\n      methods: [GET]\n", "NP184",
            "spec.ingress[0].http", "L7"),
        Arguments.of(NP + "spec:\n  ingress:\n  - action: Allow\n    protocol: TCP\n    source:\n      ports: [1024] #<\n",
            "NP184", "spec.ingress[0].source.ports", "needs the connection's source port"),
        Arguments.of(GNP + "spec:\n  egress:\n  - action: Deny\n    protocol: UDP\n    source:\n      notPorts: [53] #<\n",
            "NP184", "spec.egress[0].source.notPorts", "needs the connection's source port"),
        // NP185: order must be a number JSON can carry.
        Arguments.of(GNP + "spec:\n  order: 1.0e+999 #<\n", "NP185", "spec.order", "finite"),
        // NP186: NetworkSet names, labels and nets.
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata: {name: s}\nspec:\n"
            + "  nets: [10.0.0.0/33] #<\n", "NP186", "spec.nets[0]", "not an IP address or CIDR"),
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata:\n  name: S #<\n", "NP186",
            "metadata.name", "invalid value \"S\""),
        Arguments.of("apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata:\n  name: s\n  labels:\n"
            + "    role: \"-x-\" #<\n", "NP186", "metadata.labels", "invalid label value \"-x-\""));
  }

  @ParameterizedTest(name = "{1} {2}: {3}")
  @MethodSource("rejected")
  void rejects(String yaml, String id, String path, String message) {
    List<Diagnostic> found = findings(yaml);
    int line = List.of(yaml.split("\n", -1)).indexOf(
        yaml.lines().filter(l -> l.endsWith("#<")).findFirst().orElseThrow()) + 1;
    assertThat(found).as(yaml).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo(id);
      assertThat(d.severity()).isEqualTo(Severity.ERROR);
      assertThat(d.path()).isEqualTo(path);
      assertThat(d.message()).startsWith(path + ": ").contains(message);
      assertThat(d.position().line()).as(d.toString()).isEqualTo(line);
      assertThat(AcceptanceGate.blocks(d)).isTrue();
    });
    assertThat(CalicoValidator.IDS).contains(id);
  }

  static Stream<String> accepted() {
    return Stream.of(
        GNP + "spec:\n  ingress:\n  - action: Allow\n    destination:\n      ports: [http, metrics]\n",
        GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: 17\n    destination:\n      ports: [\"1:65535\"]\n",
        GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: ICMPv6\n    ipVersion: 6\n    icmp: {type: 128, code: 0}\n",
        GNP + "spec:\n  ingress:\n  - action: Allow\n    protocol: ICMP\n    icmp: {type: 254, code: 255}\n",
        GNP + "spec:\n  ingress:\n  - action: Deny\n    source:\n      namespaceSelector: global()\n      selector: a == 'b'\n",
        GNP + "spec:\n  ingress:\n  - action: Deny\n    notProtocol: ICMP\n    source:\n      notNets: [10.0.0.0/8]\n"
            + "      nets: [10.0.0.0/8, 192.168.0.0/16]\n",
        GNP + "spec:\n  egress:\n  - action: Allow\n    destination:\n      services: {name: s, namespace: n}\n",
        NP + "spec:\n  ingress:\n  - action: Allow\n    source:\n      services: {name: s}\n",
        "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: knp.default.a.b, namespace: n}\n",
        "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: security.a, namespace: n}\n",
        "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: default}\nspec: {order: 1000000}\n",
        "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: kube-baseline}\nspec: {order: 10000000, "
            + "defaultAction: Pass}\n",
        GNP + "spec:\n  doNotTrack: false\n  preDNAT: false\n  applyOnForward: false\n  types: [Egress, Ingress]\n"
            + "  order: -1.5\n");
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void accepts(String yaml) {
    assertThat(findings(yaml)).isEmpty();
  }

  @Test
  void aRealisticCorpusBesideKubernetesObjectsValidatesClean() throws IOException {
    String yaml;
    try (InputStream in = CalicoValidatorTest.class.getResourceAsStream("/calico/good-corpus.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ReadResult r = new PolicyReader().readString("good.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    Cluster c = r.cluster();
    assertThat(c.calico().policies()).hasSize(5);
    assertThat(new Validator(ValidationOptions.DEFAULT).validate(c)).isEmpty();
    assertThat(AcceptanceGate.DEFAULT.check(c).accepted()).isTrue();
  }

  @Test
  void duplicatesAreNp107ButAStagedTwinIsNoDuplicate() {
    String p = "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: n}\n";
    String staged = "apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata: {name: p, namespace: n}\n";
    String tier = "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: t}\n";
    List<Diagnostic> found = findings(p + "---\n" + staged + "---\n" + tier + "---\n" + p + "---\n" + tier);
    assertThat(found).extracting(Diagnostic::ruleId, d -> d.position().line()).containsExactly(
        org.assertj.core.groups.Tuple.tuple("NP107", 13), org.assertj.core.groups.Tuple.tuple("NP107", 17));
    assertThat(found.get(0).message()).contains("NetworkPolicy/n/p is defined twice");
  }

  @Test
  void lintReportsCalicoValidationAndHonoursSuppressions() {
    String bad = GNP + "spec:\n  ingress:\n  - action: Allow\n    ipVersion: 7\n";
    Cluster c = new PolicyReader().readString("l.yaml", bad).cluster();
    assertThat(new dev.netpolc.model.lint.Linter(dev.netpolc.model.lint.LintConfig.DEFAULT).lint(c).findings())
        .extracting(Diagnostic::ruleId).containsExactly("NP175");
    Cluster suppressed = new PolicyReader().readString("l.yaml", "# netpolc: disable=NP175\n" + bad).cluster();
    assertThat(new dev.netpolc.model.lint.Linter(dev.netpolc.model.lint.LintConfig.DEFAULT).lint(suppressed)
        .findings()).isEmpty();
  }

  @Test
  void oneObjectReportsEveryProblem() {
    List<Diagnostic> found = findings(GNP + "spec:\n  doNotTrack: true\n  types: [Forward]\n  ingress:\n"
        + "  - action: Reject\n    ipVersion: 7\n    http: {methods: [GET]}\n");
    assertThat(found).extracting(Diagnostic::ruleId).containsExactly("NP183", "NP184", "NP171", "NP175", "NP184");
  }
}
