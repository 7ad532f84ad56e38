package dev.netpolc.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule of {@link CiliumValidator} (NP190–NP198) with an input Cilium's CRD schema or policy
 * sanitiser refuses, or that netpolc refuses rather than drop: the rule id, the field path, the
 * message and the line (marked {@code #<} in the input); and the nearest inputs that pass.
 */
class CiliumValidatorTest {
  private static final String CNP = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n"
      + "metadata: {name: p, namespace: n}\n";
  private static final String CCNP = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n"
      + "metadata: {name: p}\n";
  private static final String SPEC = CNP + "spec:\n  endpointSelector: {}\n";

  private static List<Diagnostic> findings(String yaml) {
    ReadResult r = new PolicyReader().readString("v.yaml", yaml);
    assertThat(r.errors()).as(yaml).isEmpty();
    return new Validator(ValidationOptions.DEFAULT).validate(r.cluster());
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        // NP190: the CRD's oneOf spec/specs, and Rule.Sanitize's endpointSelector requirement.
        Arguments.of(CNP + "spec: {endpointSelector: {}}\nspecs: #<\n- endpointSelector: {}\n", "NP190", "specs",
            "spec and specs are both given"),
        Arguments.of(CNP + "specs: [] #<\n", "NP190", "specs", "specs is empty"),
        Arguments.of("apiVersion: cilium.io/v2 #<\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: n}\n",
            "NP190", "spec", "neither spec nor specs"),
        Arguments.of(CNP + "specs:\n- endpointSelector: {}\n- ingress: [{}] #<\n", "NP190",
            "specs[1].endpointSelector", "a rule must have an endpointSelector"),
        // NP191: the port pattern, endPort's bounds, maxPorts, and netpolc's endPort >= port.
        Arguments.of(SPEC + "  egress:\n  - toPorts:\n    - ports:\n      - port: \"65536\" #<\n", "NP191",
            "spec.egress[0].toPorts[0].ports[0].port", "outside 0-65535"),
        Arguments.of(SPEC + "  egress:\n  - toPorts:\n    - ports:\n      - port: \"my_port\" #<\n", "NP191",
            "spec.egress[0].toPorts[0].ports[0].port", "no port number 0-65535 nor port name"),
        Arguments.of(SPEC + "  egress:\n  - toPorts:\n    - ports:\n      - {protocol: TCP} #<\n", "NP191",
            "spec.egress[0].toPorts[0].ports[0].port", "required"),
        Arguments.of(SPEC + "  egress:\n  - toPorts:\n    - ports:\n      - port: \"80\"\n        endPort: 70000 #<\n",
            "NP191", "spec.egress[0].toPorts[0].ports[0].endPort", "outside 0-65535"),
        Arguments.of(SPEC + "  egress:\n  - toPorts:\n    - ports:\n      - port: \"8080\"\n        endPort: 80 #<\n",
            "NP191", "spec.egress[0].toPorts[0].ports[0].endPort", "endPort 80 is below port 8080"),
        Arguments.of(SPEC + "  egress:\n  - toPorts:\n    - ports: #<\n" + "      - port: \"1\"\n".repeat(41), "NP191",
            "spec.egress[0].toPorts[0].ports", "too many ports (41), the max is 40"),
        // NP192: the protocol enum.
        Arguments.of(SPEC + "  egress:\n  - toPorts:\n    - ports:\n      - {port: \"53\", protocol: udp} #<\n",
            "NP192", "spec.egress[0].toPorts[0].ports[0].protocol", "unsupported protocol \"udp\""),
        // NP193: CIDR.sanitize and CIDRRule.sanitize.
        Arguments.of(SPEC + "  egress:\n  - toCIDR: [10.0.0.0/33] #<\n", "NP193", "spec.egress[0].toCIDR[0]",
            "is no CIDR or IP address"),
        Arguments.of(SPEC + "  egress:\n  - toCIDRSet:\n    - cidr: 10.0.0.1 #<\n", "NP193",
            "spec.egress[0].toCIDRSet[0].cidr", "is no CIDR prefix"),
        Arguments.of(SPEC + "  ingress:\n  - fromCIDRSet:\n    - cidr: 10.0.0.0/8\n      except: [192.168.0.0/16] #<\n",
            "NP193", "spec.ingress[0].fromCIDRSet[0].except[0]", "is not inside cidr 10.0.0.0/8"),
        Arguments.of(SPEC + "  ingress:\n  - fromCIDRSet:\n    - cidr: 10.0.0.0/8\n      except: [\"::/0\"] #<\n",
            "NP193", "spec.ingress[0].fromCIDRSet[0].except[0]", "is not inside"),
        // NP194: EntitySelectorMapping's names.
        Arguments.of(SPEC + "  egress:\n  - toEntities: [world, internet] #<\n", "NP194",
            "spec.egress[0].toEntities[1]", "unsupported entity \"internet\""),
        // NP195: icmp.go's family enum and type pattern, maxICMPFields, icmps beside toPorts.
        Arguments.of(SPEC + "  ingress:\n  - icmps:\n    - fields:\n      - {type: 8, family: IPv5} #<\n", "NP195",
            "spec.ingress[0].icmps[0].fields[0].family", "unsupported family \"IPv5\""),
        Arguments.of(SPEC + "  ingress:\n  - icmps:\n    - fields:\n      - {type: PacketTooBig} #<\n", "NP195",
            "spec.ingress[0].icmps[0].fields[0].type", "no ICMP type of family IPv4"),
        Arguments.of(SPEC + "  ingress:\n  - icmps:\n    - fields:\n      - {type: 256} #<\n", "NP195",
            "spec.ingress[0].icmps[0].fields[0].type", "no ICMP type"),
        Arguments.of(SPEC + "  ingress:\n  - toPorts: [{ports: [{port: \"80\"}]}]\n    icmps: #<\n"
            + "    - fields: [{type: 8}]\n", "NP195", "spec.ingress[0].icmps", "may not appear beside toPorts"),
        // NP196: IngressRule/EgressRule.sanitize's l3Members.
        Arguments.of(SPEC + "  egress:\n  - toEndpoints: [{}]\n    toCIDR: [10.0.0.0/8] #<\n", "NP196",
            "spec.egress[0].toCIDR", "combining toEndpoints and toCIDR"),
        // NP197: netpolc's refusals.
        Arguments.of(SPEC + "  egress:\n  - toPorts:\n    - ports: [{port: \"80\", protocol: TCP}]\n"
            + "      rules: #<\n        http: [{method: GET}]\n", "NP197", "spec.egress[0].toPorts[0].rules",
            "L7 (proxy) setting"),
        Arguments.of(SPEC + "  egress:\n  - toFQDNs: #<\n    - matchName: example.com\n", "NP197",
            "spec.egress[0].toFQDNs", "toFQDNs is not enforced"),
        Arguments.of(SPEC + "  egress:\n  - toServices: #<\n    - k8sService: {serviceName: a, namespace: b}\n",
            "NP197", "spec.egress[0].toServices", "toServices is not enforced"),
        Arguments.of(SPEC + "  ingress:\n  - fromRequires: [{}] #<\n", "NP197", "spec.ingress[0].fromRequires",
            "removed from Cilium"),
        Arguments.of(SPEC + "  ingress:\n  - fromNodes: [{}] #<\n", "NP197", "spec.ingress[0].fromNodes",
            "fromNodes is not enforced"),
        Arguments.of(SPEC + "  ingress:\n  - authentication: #<\n      mode: required\n", "NP197",
            "spec.ingress[0].authentication", "mutual authentication"),
        Arguments.of(CCNP + "spec:\n  nodeSelector: {} #<\n", "NP197", "spec.nodeSelector", "host policy"),
        Arguments.of(SPEC + "  egress:\n  - toCIDRSet:\n    - cidrGroupRef: office #<\n", "NP197",
            "spec.egress[0].toCIDRSet[0].cidrGroupRef", "CiliumCIDRGroup"),
        // NP198: selector keys (after the source prefix), values, operators.
        Arguments.of(SPEC + "  ingress:\n  - fromEndpoints:\n    - matchLabels: {\"k8s:a b\": x} #<\n", "NP198",
            "spec.ingress[0].fromEndpoints[0].matchLabels", "invalid label key \"k8s:a b\""),
        Arguments.of(SPEC + "  ingress:\n  - fromEndpoints:\n    - matchExpressions:\n      - key: app\n"
            + "        operator: Exists\n        values: [a] #<\n", "NP198",
            "spec.ingress[0].fromEndpoints[0].matchExpressions[0].values", "may not be specified"),
        // NP109: names, as for every object.
        Arguments.of("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: Bad_Name, namespace: n}"
            + " #<\nspec: {endpointSelector: {}}\n", "NP109", "metadata.name", "invalid value \"Bad_Name\""));
  }

  @ParameterizedTest
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
    assertThat(id.equals("NP109") || CiliumValidator.IDS.contains(id)).isTrue();
  }

  static Stream<String> accepted() {
    return Stream.of(
        SPEC + "  egress:\n  - toPorts:\n    - ports:\n      - {port: \"0\", protocol: ANY}\n      - port: \"65535\"\n"
            + "      - {port: \"80\", endPort: 80}\n      - {port: \"80\", endPort: 444, protocol: TCP}\n"
            + "      - {port: http-alt, protocol: SCTP}\n",
        SPEC + "  egress:\n  - toCIDR: [10.0.0.1, 10.0.0.1/8, \"2001:db8::/32\"]\n",
        SPEC + "  ingress:\n  - fromCIDRSet:\n    - cidr: 10.0.0.0/8\n      except: [10.96.0.0/12, 10.0.0.1/32]\n",
        SPEC + "  egress:\n  - toEntities: [all, world, world-ipv4, world-ipv6, cluster, host, remote-node, "
            + "kube-apiserver, init, health, unmanaged, ingress, none]\n",
        SPEC + "  ingress:\n  - icmps:\n    - fields:\n      - {type: 8}\n      - {type: EchoRequest, family: IPv4}\n"
            + "      - {type: \"255\"}\n      - {type: PacketTooBig, family: IPv6}\n",
        SPEC + "  ingress:\n  - fromEndpoints:\n    - matchLabels: {\"k8s:io.kubernetes.pod.namespace\": kube-system,"
            + " \"any:app\": dns, reserved:host: \"\"}\n    toPorts: [{ports: [{port: \"53\"}]}]\n",
        SPEC + "  egress:\n  - toEndpoints: []\n    toCIDR: [10.0.0.0/8]\n",
        SPEC + "  enableDefaultDeny: {ingress: false, egress: true}\n  description: d\n  ingressDeny:\n"
            + "  - fromEntities: [world]\n",
        CCNP + "specs:\n- endpointSelector: {}\n  egressDeny: [{toCIDR: [1.1.1.1/32]}]\n- endpointSelector:\n"
            + "    matchExpressions: [{key: \"k8s:app\", operator: In, values: [a]}]\n");
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void accepts(String yaml) {
    assertThat(findings(yaml)).isEmpty();
  }

  @Test
  void endPortBesideANamedPortIsOnlyAWarning() {
    List<Diagnostic> found = findings(SPEC + "  egress:\n  - toPorts:\n    - ports:\n      - {port: http, endPort: 90}\n");
    assertThat(found).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP191");
      assertThat(d.severity()).isEqualTo(Severity.WARNING);
      assertThat(AcceptanceGate.blocks(d)).isFalse();
    });
  }

  @Test
  void aDuplicatePolicyIsNp107() {
    List<Diagnostic> found = findings(SPEC + "---\n" + SPEC + "---\n" + CCNP + "spec: {endpointSelector: {}}\n");
    assertThat(found).extracting(Diagnostic::ruleId, d -> d.position().line()).containsExactly(
        org.assertj.core.groups.Tuple.tuple("NP107", 7));
  }
}
