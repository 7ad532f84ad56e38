package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.LabelSelectorRequirement.Operator;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The writer's layout: kubectl's field order and indentation, quoting only where needed. */
class PolicyWriterTest {

  @Test
  void writesAPolicyInKubectlLayout() {
    NetworkPolicy p = new NetworkPolicy("prod", "web", LabelSelector.ofLabels(Map.of("app", "web")),
        List.of("Ingress"),
        List.of(new PolicyRule(
            List.of(new Peer(Optional.of(LabelSelector.EVERYTHING), Optional.of(new LabelSelector(Map.of(),
                List.of(LabelSelectorRequirement.of("team", Operator.In, "a", "b")))), Optional.empty()),
                Peer.ipBlock(new IpBlock("10.0.0.0/8", List.of("10.1.0.0/16"))),
                new Peer(Optional.empty(), Optional.empty(), Optional.empty())),
            List.of(PolicyPort.of(Protocol.TCP, PortValue.of(80), 90),
                new PolicyPort(Optional.empty(), Optional.of(PortValue.named("80")), Optional.empty()),
                new PolicyPort(Optional.empty(), Optional.empty(), Optional.empty())))),
        List.of(new PolicyRule(List.of(), List.of())), SourceMap.EMPTY, Set.of("NP303", "NP212"));
    assertThat(PolicyWriter.toYaml(p)).isEqualTo(String.join("\n",
        "# netpolc: disable=NP212,NP303",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata:",
        "  name: web",
        "  namespace: prod",
        "spec:",
        "  podSelector:",
        "    matchLabels:",
        "      app: web",
        "  policyTypes:",
        "  - Ingress",
        "  ingress:",
        "  - from:",
        "    - podSelector: {}",
        "      namespaceSelector:",
        "        matchExpressions:",
        "        - key: team",
        "          operator: In",
        "          values:",
        "          - a",
        "          - b",
        "    - ipBlock:",
        "        cidr: 10.0.0.0/8",
        "        except:",
        "        - 10.1.0.0/16",
        "    - {}",
        "    ports:",
        "    - protocol: TCP",
        "      port: 80",
        "      endPort: 90",
        "    - port: \"80\"",
        "    - {}",
        "  egress:",
        "  - {}",
        ""));
  }

  @Test
  void quotesOnlyWhatCouldBeMisread() {
    assertThat(YamlEmitter.scalar("web")).isEqualTo("web");
    assertThat(YamlEmitter.scalar("app.kubernetes.io/name")).isEqualTo("app.kubernetes.io/name");
    assertThat(YamlEmitter.scalar("10.0.0.1")).isEqualTo("10.0.0.1");
    assertThat(YamlEmitter.scalar("10.0.0.0/8")).isEqualTo("10.0.0.0/8");
    for (String s : List.of("", "80", "1.5", "1e3", "0x1F", "true", "No", "ON", "null", "~", "-1", ".inf",
        "a b", "a: b", "#x", "fd00::1", "*ref", "&a", "!tag", "[x]", "{}", "'q'", "10.0.0")) {
      assertThat(YamlEmitter.scalar(s)).as(s).startsWith("\"").endsWith("\"");
    }
    assertThat(YamlEmitter.scalar("a\"b\\c\nd\u0001\u2028")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\\u2028\"");
  }

  @Test
  void writesAClusterAsOneStreamInAFixedOrder() {
    Pod pod = new Pod("x", "a", Map.of("pod", "a"), List.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1")),
        "n1", false, "Running", List.of(new ContainerPort("http", 80, Protocol.TCP),
            new ContainerPort(null, 53, Protocol.UDP)), List.of(), SourcePosition.UNKNOWN);
    Cluster c = new Cluster(List.of(Namespace.of("x", Map.of("ns", "x"))), List.of(pod), List.of(),
        List.of(NetworkPolicy.of("x", "deny", LabelSelector.EVERYTHING, List.of(), List.of(), List.of())));
    assertThat(PolicyWriter.toYaml(c)).isEqualTo(String.join("\n",
        "---",
        "apiVersion: v1",
        "kind: Namespace",
        "metadata:",
        "  name: x",
        "  labels:",
        "    kubernetes.io/metadata.name: x",
        "    ns: x",
        "---",
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: a",
        "  namespace: x",
        "  labels:",
        "    pod: a",
        "spec:",
        "  nodeName: n1",
        "  containers:",
        "  - name: main",
        "    ports:",
        "    - name: http",
        "      containerPort: 80",
        "    - containerPort: 53",
        "      protocol: UDP",
        "status:",
        "  phase: Running",
        "  podIP: 10.0.0.1",
        "  podIPs:",
        "  - ip: 10.0.0.1",
        "  - ip: \"fd00::1\"",
        "---",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata:",
        "  name: deny",
        "  namespace: x",
        "spec:",
        "  podSelector: {}",
        ""));
  }
}
