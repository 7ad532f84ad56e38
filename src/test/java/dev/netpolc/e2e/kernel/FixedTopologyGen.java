package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.gen.Draw;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;

/**
 * Random clusters over one fixed kernel topology, as YAML: two nodes, eight dual-stack pods with
 * fixed addresses ({@code 198.18.0.10+i}, {@code fd00::10+i}), random namespace and pod labels,
 * random named ports ({@code http} on TCP, {@code dns} on UDP, each 80 or 81 or absent), and one
 * to four policies over the whole API: every selector form and operator, policyTypes absent and
 * in every form, absent/empty/several rules, pod/namespace/both/ipBlock peers (ipBlocks of both
 * families whose excepts carve pod IPs out), and ports with and without protocol (TCP, UDP,
 * SCTP), numeric, named and ranges ({@code endPort}). Every choice shrinks towards the simplest.
 */
public final class FixedTopologyGen {

  /** The pods, {@code namespace/name}, in address order. */
  public static final List<String> PODS = List.of("a/p1", "a/p2", "a/p3", "b/p1", "b/p2", "b/p3", "c/p1", "c/p2");
  /** The node of each pod of {@link #PODS}. */
  public static final List<String> NODES = List.of("n1", "n1", "n2", "n1", "n2", "n2", "n1", "n2");

  private static final List<String> NAMESPACES = List.of("a", "b", "c");
  private static final List<String> V4_CIDRS = List.of("198.18.0.0/24", "0.0.0.0/0", "198.18.0.8/29",
      "198.18.0.16/29", "198.18.0.12/30");
  private static final List<String> V6_CIDRS = List.of("fd00::/64", "::/0", "fd00::10/125", "fd00::14/126");

  private final Draw d;

  private FixedTopologyGen(Draw d) {
    this.d = d;
  }

  /** The generator; a failing example prints as its YAML. */
  public static Gen<String> clusters() {
    return in -> new FixedTopologyGen(Draw.of(in)).yaml();
  }

  /** IPv4 address of pod {@code i}. */
  /** The fixed pods without policies (the inventory every generated cluster shares), as YAML. */
  public static String podsOnly() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < PODS.size(); i++) {
      String[] key = PODS.get(i).split("/");
      sb.append("apiVersion: v1\nkind: Pod\nmetadata: {namespace: ").append(key[0]).append(", name: ").append(key[1])
          .append("}\nspec: {nodeName: ").append(NODES.get(i))
          .append(", containers: [{name: main, image: pause}]}\nstatus: {phase: Running, podIPs: [{ip: ")
          .append(ipv4(i)).append("}, {ip: \"").append(ipv6(i)).append("\"}]}\n---\n");
    }
    return sb.toString();
  }

  /** Reads and validates generated YAML; a finding that blocks compilation is a generator bug. */
  public static Cluster readValid(String yaml) {
    ReadResult r = new PolicyReader().readString("generated.yaml", yaml);
    assertThat(r.errors()).as("generated YAML reads:%n%s", yaml).isEmpty();
    assertThat(AcceptanceGate.DEFAULT.check(r.cluster()).blocking()).as("generated YAML is valid:%n%s", yaml)
        .isEmpty();
    return r.cluster();
  }

  public static String ipv4(int i) {
    return "198.18.0." + (10 + i);
  }

  /** IPv6 address of pod {@code i}. */
  public static String ipv6(int i) {
    return "fd00::" + Integer.toHexString(0x10 + i);
  }

  private String yaml() {
    StringBuilder sb = new StringBuilder();
    for (String ns : NAMESPACES) {
      sb.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ").append(ns).append("\n  labels: {");
      List<String> labels = new ArrayList<>();
      if (d.chance(60)) {
        labels.add("team: " + d.pick(List.of("x", "y")));
      }
      if (d.chance(40)) {
        labels.add("env: " + d.pick(List.of("prod", "dev")));
      }
      sb.append(String.join(", ", labels)).append("}\n---\n");
    }
    for (int i = 0; i < PODS.size(); i++) {
      String[] key = PODS.get(i).split("/");
      List<String> labels = new ArrayList<>();
      if (d.chance(70)) {
        labels.add("app: " + d.pick(List.of("web", "db")));
      }
      if (d.chance(40)) {
        labels.add("tier: " + d.pick(List.of("fe", "be")));
      }
      List<String> ports = new ArrayList<>();
      if (d.chance(60)) {
        ports.add("{name: http, containerPort: " + d.pick(List.of(80, 81)) + ", protocol: TCP}");
      }
      if (d.chance(50)) {
        ports.add("{name: dns, containerPort: " + d.pick(List.of(80, 81)) + ", protocol: UDP}");
      }
      sb.append("apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: ").append(key[0]).append("\n  name: ")
          .append(key[1]).append("\n  labels: {").append(String.join(", ", labels)).append("}\n")
          .append("spec:\n  nodeName: ").append(NODES.get(i)).append("\n  containers:\n  - name: main\n")
          .append("    image: pause\n    ports: [").append(String.join(", ", ports)).append("]\n")
          .append("status:\n  phase: Running\n  podIPs:\n  - ip: ").append(ipv4(i)).append("\n  - ip: \"")
          .append(ipv6(i)).append("\"\n---\n");
    }
    int policies = d.between(1, 4);
    for (int p = 0; p < policies; p++) {
      sb.append(policy(p)).append("---\n");
    }
    return sb.toString();
  }

  private String policy(int index) {
    StringBuilder sb = new StringBuilder("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p")
        .append(index).append("\n  namespace: ").append(d.pick(NAMESPACES)).append("\nspec:\n  podSelector: ")
        .append(podSelector()).append('\n');
    switch (d.between(0, 3)) {
      case 1:
        sb.append("  policyTypes: [Ingress]\n");
        break;
      case 2:
        sb.append("  policyTypes: [Egress]\n");
        break;
      case 3:
        sb.append("  policyTypes: [Ingress, Egress]\n");
        break;
      default:
        break; // absent: the API server's defaulting applies
    }
    rules(sb, "ingress", "from");
    rules(sb, "egress", "to");
    return sb.toString();
  }

  private void rules(StringBuilder sb, String field, String peers) {
    int form = d.between(0, 3);
    if (form == 0) {
      return; // absent
    }
    if (form == 1) {
      sb.append("  ").append(field).append(": []\n");
      return;
    }
    sb.append("  ").append(field).append(":\n");
    int n = form == 2 ? 1 : 2;
    for (int r = 0; r < n; r++) {
      sb.append("  - {");
      List<String> parts = new ArrayList<>();
      int peerForm = d.between(0, 3);
      if (peerForm == 1) {
        parts.add(peers + ": []");
      } else if (peerForm >= 2) {
        List<String> list = new ArrayList<>();
        for (int k = 0; k < peerForm - 1; k++) {
          list.add(peer());
        }
        parts.add(peers + ": [" + String.join(", ", list) + "]");
      }
      if (d.chance(60)) {
        List<String> ports = new ArrayList<>();
        int m = d.between(1, 2);
        for (int k = 0; k < m; k++) {
          ports.add(port());
        }
        parts.add("ports: [" + String.join(", ", ports) + "]");
      }
      sb.append(String.join(", ", parts)).append("}\n");
    }
  }

  private String peer() {
    switch (d.between(0, 3)) {
      case 0:
        return "{podSelector: " + podSelector() + "}";
      case 1:
        return "{namespaceSelector: " + namespaceSelector() + "}";
      case 2:
        return "{namespaceSelector: " + namespaceSelector() + ", podSelector: " + podSelector() + "}";
      default:
        return ipBlock();
    }
  }

  private String ipBlock() {
    boolean v6 = d.chance(40);
    String cidr = d.pick(v6 ? V6_CIDRS : V4_CIDRS);
    List<String> excepts = new ArrayList<>();
    int n = d.between(0, 2);
    for (int k = 0; k < n; k++) {
      int pod = d.between(0, PODS.size() - 1);
      String host = v6 ? ipv6(pod) + "/128" : ipv4(pod) + "/32";
      if (inside(host, cidr) && !excepts.contains(host)) {
        excepts.add(host);
      }
    }
    return "{ipBlock: {cidr: \"" + cidr + "\"" + (excepts.isEmpty() ? "" : ", except: [\""
        + String.join("\", \"", excepts) + "\"]") + "}}";
  }

  private static boolean inside(String host, String cidr) {
    dev.netpolc.model.Cidr outer = dev.netpolc.model.Cidr.of(cidr);
    dev.netpolc.model.Cidr inner = dev.netpolc.model.Cidr.of(host);
    return outer.contains(inner) && !outer.equals(inner);
  }

  private String port() {
    List<String> parts = new ArrayList<>();
    int proto = d.between(0, 3);
    if (proto > 0) {
      parts.add("protocol: " + List.of("TCP", "UDP", "SCTP").get(proto - 1));
    }
    switch (d.between(0, 4)) {
      case 1:
        parts.add("port: " + d.pick(List.of(80, 81)));
        break;
      case 2:
        parts.add("port: 80, endPort: " + d.pick(List.of(80, 81, 90)));
        break;
      case 3:
        parts.add("port: http");
        break;
      case 4:
        parts.add("port: dns");
        break;
      default:
        break; // no port: every port of the protocol
    }
    return "{" + String.join(", ", parts) + "}";
  }

  private String podSelector() {
    return selector(List.of("app", "tier"), List.of("web", "db", "fe", "be"));
  }

  private String namespaceSelector() {
    return selector(List.of("team", "env", "kubernetes.io/metadata.name"), List.of("x", "y", "prod", "a", "b"));
  }

  private String selector(List<String> keys, List<String> values) {
    switch (d.between(0, 2)) {
      case 0:
        return "{}";
      case 1:
        return "{matchLabels: {" + d.pick(keys) + ": " + d.pick(values) + "}}";
      default:
        String op = d.pick(List.of("In", "NotIn", "Exists", "DoesNotExist"));
        String values2 = "";
        if (op.equals("In") || op.equals("NotIn")) {
          String v1 = d.pick(values);
          String v2 = d.pick(values);
          values2 = ", values: [" + v1 + (v2.equals(v1) ? "" : ", " + v2) + "]";
        }
        return "{matchExpressions: [{key: " + d.pick(keys) + ", operator: " + op + values2 + "}]}";
    }
  }
}
