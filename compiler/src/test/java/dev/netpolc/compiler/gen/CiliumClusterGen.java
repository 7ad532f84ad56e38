package dev.netpolc.compiler.gen;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;

/**
 * Generates small Cilium clusters: {@link ClusterGen}'s inventory (namespaces a, b, c with
 * labels; pods with labels, container ports, IPv4/IPv6/dual-stack addresses, hostNetwork pods, on
 * two nodes) with, 40% of the time, one of its Kubernetes NetworkPolicies, plus 1–4
 * CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies written as YAML and read back
 * through the reader (so each is one the validator accepts; a draw the acceptance gate blocks is
 * drawn again), and sometimes the {@code default/kubernetes} EndpointSlice (for
 * {@code kube-apiserver}). Rules ({@code spec} or {@code specs}) draw endpointSelectors (empty,
 * {@code k8s:} keys, expressions, namespace keys that a CNP ignores), {@code ingress},
 * {@code egress}, {@code ingressDeny}, {@code egressDeny} and sometimes
 * {@code enableDefaultDeny: false}; peer rules draw one L3 kind (endpoints with namespace,
 * namespace-label and {@code reserved:} keys, an empty list, CIDRs, CIDR sets with except,
 * entities) or none, and {@code toPorts} (numbers, names, endPort, UDP/SCTP/ANY) or {@code icmps}
 * (both families, by number and name) or neither. For property tests here and in the backends
 * (compiler test-jar).
 */
public final class CiliumClusterGen {
  private static final List<String> SUBJECTS = List.of("{}", "{matchLabels: {app: web}}",
      "{matchLabels: {'k8s:tier': db}}", "{matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}",
      "{matchLabels: {io.kubernetes.pod.namespace: b}}", "{matchLabels: {io.cilium.k8s.namespace.labels.team: x}}",
      "{matchExpressions: [{key: app, operator: Exists}]}");
  private static final List<String> PEERS = List.of("{}", "{matchLabels: {app: web}}", "{matchLabels: {app: db}}",
      "{matchLabels: {io.kubernetes.pod.namespace: a}}", "{matchLabels: {'k8s:io.kubernetes.pod.namespace': b}}",
      "{matchLabels: {io.cilium.k8s.namespace.labels.team: x}}",
      "{matchExpressions: [{key: io.cilium.k8s.namespace.labels.env, operator: NotIn, values: [prod]}]}",
      "{matchLabels: {'reserved:host': ''}}", "{matchLabels: {'reserved:world': ''}}",
      "{matchLabels: {'reserved:remote-node': ''}}", "{matchLabels: {'reserved:kube-apiserver': ''}}",
      "{matchLabels: {io.cilium.k8s.policy.serviceaccount: default, tier: fe}}");
  private static final List<String> CIDRS = List.of("'198.18.0.0/28'", "'0.0.0.0/0'", "'203.0.113.0/24'",
      "'192.0.2.0/24'", "'fd00::/120'", "'::/0'", "'8.8.8.8'", "'2001:db8::/64'", "'203.0.113.5/32'");
  private static final List<String> CIDR_SETS = List.of("{cidr: 0.0.0.0/0, except: [203.0.113.0/25]}",
      "{cidr: 203.0.113.0/24, except: [203.0.113.5/32, 203.0.113.200/31]}", "{cidr: '::/0', except: ['fd00::/8']}",
      "{cidr: 198.18.0.0/15}", "{cidr: 8.8.8.0/24, except: [8.8.8.8/32]}");
  private static final List<String> ENTITIES = List.of("all", "world", "cluster", "host", "remote-node",
      "kube-apiserver", "world-ipv4", "world-ipv6", "health");
  private static final List<String> PORTS = List.of("{port: '80'}", "{port: '8000', endPort: 8080}",
      "{port: http}", "{port: '53', protocol: UDP}", "{port: '0', protocol: ANY}", "{port: dns, protocol: UDP}",
      "{port: '80', protocol: SCTP}", "{port: '443', protocol: TCP}", "{port: metrics, protocol: ANY}",
      "{port: '9090', protocol: ANY}");
  private static final List<String> ICMP = List.of("{type: 8}", "{type: EchoRequest, family: IPv6}", "{type: 3}",
      "{type: '128', family: IPv6}", "{type: EchoReply}", "{type: DestinationUnreachable, family: IPv6}");

  private final Draw d;
  private final StringBuilder yaml = new StringBuilder();

  private CiliumClusterGen(Draw d) {
    this.d = d;
  }

  /** Small Cilium clusters, printed as YAML on failure. */
  public static Gen<Cluster> clusters() {
    Gen<Cluster> base = ClusterGen.clusters();
    Gen<Cluster> g = in -> {
      for (int attempt = 0; ; attempt++) {
        CiliumClusterGen gen = new CiliumClusterGen(Draw.of(in));
        Cluster c = gen.addTo(base.generate(in));
        if (AcceptanceGate.DEFAULT.check(c).blocking().isEmpty() || attempt == 50) {
          return c;
        }
      }
    };
    return g.describedAs(c -> ClusterYaml.describe(c) + "\n# Cilium:\n" + c.cilium().policies().stream()
        .map(p -> p.key() + " " + p.rules()).reduce("", (a, b) -> a + "\n# " + b) + "\n# kubernetes slices "
        + c.calico().endpointSlices("default", "kubernetes"));
  }

  private Cluster addTo(Cluster base) {
    if (d.chance(40)) {
      doc("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: kubernetes\n"
          + "  namespace: default\n  labels:\n    kubernetes.io/service-name: kubernetes\naddressType: IPv4\n"
          + "endpoints:\n- addresses: [" + d.pick(List.of("192.0.2.1", "203.0.113.5", "198.18.0.1")) + "]\n"
          + "ports:\n- {name: https, port: 6443, protocol: TCP}\n");
    }
    int policies = d.between(1, 4);
    for (int i = 0; i < policies; i++) {
      policy(i);
    }
    ReadResult r = new PolicyReader().readString("cilium-gen.yaml", yaml.toString());
    if (!r.errors().isEmpty()) {
      throw new IllegalStateException("generated Cilium YAML does not read: " + r.errors() + "\n" + yaml);
    }
    List<NetworkPolicy> kube = base.policies().isEmpty() || d.chance(60) ? List.of()
        : List.of(base.policies().get(0));
    return new Cluster(base.namespaces(), base.pods(), base.nodes(), kube, List.of(), List.of(), List.of(),
        r.cluster().calico(), r.cluster().cilium());
  }

  private void doc(String text) {
    yaml.append("---\n").append(text);
  }

  private void policy(int i) {
    boolean clusterwide = d.chance(35);
    StringBuilder sb = new StringBuilder("apiVersion: cilium.io/v2\nkind: ")
        .append(clusterwide ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy")
        .append("\nmetadata:\n  name: p").append(i).append('\n');
    if (!clusterwide) {
      sb.append("  namespace: ").append(d.pick(ClusterGen.NAMESPACES)).append('\n');
    }
    if (d.chance(70)) {
      sb.append("spec:\n");
      rule(sb, "  ");
    } else {
      sb.append("specs:\n");
      int n = d.between(1, 2);
      for (int k = 0; k < n; k++) {
        sb.append("- endpointSelector: ").append(d.pick(SUBJECTS)).append('\n');
        sections(sb, "  ");
      }
    }
    doc(sb.toString());
  }

  private void rule(StringBuilder sb, String indent) {
    sb.append(indent).append("endpointSelector: ").append(d.pick(SUBJECTS)).append('\n');
    sections(sb, indent);
  }

  private void sections(StringBuilder sb, String indent) {
    boolean any = false;
    for (String section : List.of("ingress", "egress", "ingressDeny", "egressDeny")) {
      if (d.chance(section.endsWith("Deny") ? 30 : 50)) {
        any = true;
        sb.append(indent).append(section).append(":\n");
        int n = d.between(1, 2);
        for (int k = 0; k < n; k++) {
          peerRule(sb, indent, section.startsWith("ingress") ? "from" : "to");
        }
      }
    }
    if (!any) {
      sb.append(indent).append("ingress:\n");
      peerRule(sb, indent, "from");
    }
    if (d.chance(15)) {
      sb.append(indent).append("enableDefaultDeny: ")
          .append(d.pick(List.of("{ingress: false}", "{egress: false}", "{ingress: false, egress: false}",
              "{ingress: true, egress: false}")))
          .append('\n');
    }
  }

  private void peerRule(StringBuilder sb, String indent, String prefix) {
    List<String> lines = new ArrayList<>();
    switch (d.between(0, 4)) {
      case 1 -> lines.add(prefix + "Endpoints: " + (d.chance(10) ? "[]" : list(PEERS, 2)));
      case 2 -> lines.add(prefix + "CIDR: " + list(CIDRS, 2));
      case 3 -> lines.add(prefix + "CIDRSet: " + list(CIDR_SETS, 2));
      case 4 -> lines.add(prefix + "Entities: " + list(ENTITIES, 2));
      default -> { }
    }
    switch (d.between(0, 2)) {
      case 1 -> {
        List<String> entries = new ArrayList<>();
        int n = d.between(1, 2);
        for (int k = 0; k < n; k++) {
          entries.add("{ports: " + list(PORTS, 2) + "}");
        }
        lines.add("toPorts: [" + String.join(", ", entries) + "]");
      }
      case 2 -> lines.add("icmps: [{fields: " + list(ICMP, 2) + "}]");
      default -> { }
    }
    if (lines.isEmpty()) {
      lines.add(prefix + "Entities: [" + d.pick(ENTITIES) + "]");
    }
    sb.append(indent).append("- ").append(lines.get(0)).append('\n');
    for (String l : lines.subList(1, lines.size())) {
      sb.append(indent).append("  ").append(l).append('\n');
    }
  }

  private String list(List<String> options, int max) {
    List<String> out = new ArrayList<>();
    int n = d.between(1, max);
    for (int k = 0; k < n; k++) {
      out.add(d.pick(options));
    }
    return "[" + String.join(", ", out.stream().distinct().toList()) + "]";
  }
}
