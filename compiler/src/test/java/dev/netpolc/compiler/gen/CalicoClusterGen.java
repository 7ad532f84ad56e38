package dev.netpolc.compiler.gen;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;

/**
 * Generates small Calico clusters: {@link ClusterGen}'s inventory (namespaces a, b, c; pods with
 * labels, container ports, IPv4/IPv6/dual-stack addresses, on two nodes) with at most one of its
 * NetworkPolicies, plus Calico objects written as YAML and read back through the reader (so
 * every object is one Calico accepts): 0–3 tiers with Deny or Pass defaults, a GlobalNetworkSet
 * and a NetworkSet, and 1–4 NetworkPolicies and GlobalNetworkPolicies with orders (ties
 * included), {@code types} sometimes given, and Allow/Deny/Pass/Log rules whose entity rules
 * draw selectors (with {@code !}, {@code !( )}, {@code ||}, {@code has}, {@code in}, {@code starts with},
 * {@code ends with}, {@code contains}, Calico's own labels), {@code notSelector},
 * {@code namespaceSelector} (with {@code global()}), nets/notNets, numeric and named
 * ports/notPorts, and whose protocol parts draw protocol/notProtocol by name and number (47),
 * ICMP with {@code icmp}/{@code notICMP}, and {@code ipVersion}. For property tests here and in
 * the backends (compiler test-jar).
 */
public final class CalicoClusterGen {
  private static final List<String> POD_SELECTORS = List.of("all()", "app == 'web'", "has(tier)",
      "!has(app)", "app in {'db', 'fe'}", "env != 'prod'", "projectcalico.org/namespace == 'b'",
      "projectcalico.org/serviceaccount == 'default' && has(env)", "role == 'ext'",
      "app == 'web' || tier == 'db'", "!(app == 'db' && has(env))", "app starts with 'f' || !has(tier)",
      "!(tier ends with 'b')", "projectcalico.org/orchestrator == 'k8s' && app contains 'e'");
  private static final List<String> NS_SELECTORS = List.of("all()", "global()", "team == 'x'",
      "projectcalico.org/name == 'a'", "!has(env)", "team == 'y' || env == 'dev'", "!(team starts with 'x')");
  private static final List<String> NETS = List.of("198.18.0.0/30", "0.0.0.0/0", "198.18.0.4/31", "fd00::/126",
      "203.0.113.0/24", "192.0.2.1/32", "::/0");
  /** No catch-all: Calico refuses a notNets that excludes everything. */
  private static final List<String> NOT_NETS = List.of("198.18.0.0/30", "198.18.0.4/31", "fd00::/126",
      "203.0.113.0/24", "192.0.2.1/32");
  private static final List<String> PORTS = List.of("80", "53", "8000:8080", "http", "dns", "443", "metrics");

  private final Draw d;
  private final StringBuilder yaml = new StringBuilder();

  private CalicoClusterGen(Draw d) {
    this.d = d;
  }

  /** Small Calico clusters, printed as YAML on failure. */
  public static Gen<Cluster> clusters() {
    return gated((d, base) -> new CalicoClusterGen(d).addTo(base));
  }

  /**
   * {@code addTo} over {@link ClusterGen}'s clusters, printed as YAML with their Calico objects on
   * failure. Combinations Calico's validation refuses (an ipVersion against a CIDR of the other
   * family) are drawn again, up to 50 times: the properties are about input every command accepts.
   */
  static Gen<Cluster> gated(java.util.function.BiFunction<Draw, Cluster, Cluster> addTo) {
    Gen<Cluster> base = ClusterGen.clusters();
    Gen<Cluster> g = in -> {
      for (int attempt = 0; ; attempt++) {
        Cluster c = addTo.apply(Draw.of(in), base.generate(in));
        if (AcceptanceGate.DEFAULT.check(c).blocking().isEmpty() || attempt == 50) {
          return c;
        }
      }
    };
    return g.describedAs(c -> ClusterYaml.describe(c) + "\n# Calico:\n" + c.calico().policies().stream()
        .map(Object::toString).reduce("", (a, b) -> a + "\n# " + b) + "\n# tiers " + c.calico().tiersInOrder()
        + "\n# sets " + c.calico().networkSets());
  }

  private Cluster addTo(Cluster base) {
    List<String> tiers = new ArrayList<>(List.of("default"));
    int tierCount = d.between(0, 3);
    for (int i = 0; i < tierCount; i++) {
      String name = "t" + i;
      tiers.add(name);
      doc("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: " + name + "\nspec:\n"
          + "  order: " + d.pick(List.of(100, 500, 2000000, 100)) + "\n  defaultAction: "
          + (d.chance(50) ? "Pass" : "Deny") + "\n");
    }
    if (d.chance(50)) {
      doc("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: gext\n  labels:\n"
          + "    role: ext\nspec:\n  nets: [\"203.0.113.0/25\", \"198.18.0.2/31\"]\n");
    }
    if (d.chance(50)) {
      doc("apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata:\n  name: nset\n  namespace: a\n"
          + "  labels:\n    role: ext\nspec:\n  nets: [\"8.8.8.0/24\", \"fd00::/127\"]\n");
    }
    int policies = d.between(1, 4);
    for (int i = 0; i < policies; i++) {
      policy(i, tiers);
    }
    ReadResult r = new PolicyReader().readString("calico-gen.yaml", yaml.toString());
    if (!r.errors().isEmpty()) {
      throw new IllegalStateException("generated Calico YAML does not read: " + r.errors() + "\n" + yaml);
    }
    CalicoResources calico = r.cluster().calico();
    List<dev.netpolc.model.NetworkPolicy> kube = base.policies().isEmpty() || d.chance(60) ? List.of()
        : List.of(base.policies().get(0));
    return new Cluster(base.namespaces(), base.pods(), base.nodes(), kube, List.of(), List.of(), List.of(), calico);
  }

  private void doc(String text) {
    yaml.append("---\n").append(text);
  }

  private void policy(int i, List<String> tiers) {
    boolean global = d.chance(40);
    String tier = d.pick(tiers);
    String name = (tier.equals("default") ? "" : tier + ".") + "p" + i;
    StringBuilder sb = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: ")
        .append(global ? "GlobalNetworkPolicy" : "NetworkPolicy").append("\nmetadata:\n  name: ").append(name)
        .append('\n');
    if (!global) {
      sb.append("  namespace: ").append(d.pick(ClusterGen.NAMESPACES)).append('\n');
    }
    sb.append("spec:\n");
    if (!tier.equals("default")) {
      sb.append("  tier: ").append(tier).append('\n');
    }
    if (d.chance(80)) {
      sb.append("  order: ").append(d.pick(List.of(10, 100, 100, 1000, 5))).append('\n');
    }
    sb.append("  selector: ").append(quote(d.pick(POD_SELECTORS))).append('\n');
    if (global && d.chance(30)) {
      sb.append("  namespaceSelector: ").append(quote(d.pick(NS_SELECTORS.subList(2, NS_SELECTORS.size())))).append('\n');
    }
    int ingress = d.between(0, 3);
    int egress = d.between(0, 3);
    if (d.chance(30)) {
      List<String> types = new ArrayList<>();
      if (ingress > 0 || d.chance(50)) {
        types.add("Ingress");
      }
      if (egress > 0 || types.isEmpty() || d.chance(30)) {
        types.add("Egress");
      }
      sb.append("  types: [").append(String.join(", ", types)).append("]\n");
    }
    appendRules(sb, "ingress", ingress);
    appendRules(sb, "egress", egress);
    doc(sb.toString());
  }

  private void appendRules(StringBuilder sb, String field, int n) {
    if (n == 0) {
      return;
    }
    sb.append("  ").append(field).append(":\n");
    for (int i = 0; i < n; i++) {
      sb.append("  - action: ").append(d.pick(List.of("Allow", "Deny", "Pass", "Log", "Allow"))).append('\n');
      int proto = d.between(0, 7);
      String protocol = switch (proto) {
        case 1 -> "TCP";
        case 2 -> "UDP";
        case 3 -> "ICMP";
        case 4 -> "47";
        case 5 -> "ICMPv6";
        case 6 -> "SCTP";
        case 7 -> "6";
        default -> null;
      };
      boolean ports = proto == 1 || proto == 2 || proto == 6 || proto == 7;
      boolean icmp = proto == 3 || proto == 5;
      if (protocol != null) {
        sb.append("    protocol: ").append(protocol).append('\n');
      }
      if (d.chance(15)) {
        sb.append("    notProtocol: ").append(d.pick(List.of("UDP", "47", "ICMP", "TCP"))).append('\n');
      }
      if (icmp && d.chance(60)) {
        sb.append("    ").append(d.chance(50) ? "icmp" : "notICMP").append(": {type: ")
            .append(d.pick(List.of(8, 3, 128, 0))).append(d.chance(40) ? ", code: " + d.pick(List.of(0, 1)) : "")
            .append("}\n");
      }
      if (d.chance(20)) {
        sb.append("    ipVersion: ").append((int) (proto == 3 ? 4 : proto == 5 ? 6 : d.pick(List.of(4, 6)))).append('\n');
      }
      entity(sb, "source", false);
      entity(sb, "destination", ports);
    }
  }

  private void entity(StringBuilder sb, String field, boolean ports) {
    List<String> lines = new ArrayList<>();
    if (d.chance(25)) {
      lines.add("nets: [\"" + d.pick(NETS) + "\"]");
    }
    if (d.chance(20)) {
      lines.add("notNets: [\"" + d.pick(NOT_NETS) + "\"]");
    }
    if (d.chance(40)) {
      lines.add("selector: " + quote(d.pick(POD_SELECTORS)));
    }
    if (d.chance(15)) {
      lines.add("notSelector: " + quote(d.pick(POD_SELECTORS.subList(1, POD_SELECTORS.size()))));
    }
    if (d.chance(20)) {
      lines.add("namespaceSelector: " + quote(d.pick(NS_SELECTORS)));
    }
    if (ports && d.chance(50)) {
      lines.add("ports: [" + portList() + "]");
    }
    if (ports && d.chance(20)) {
      lines.add("notPorts: [" + portList() + "]");
    }
    if (lines.isEmpty()) {
      return;
    }
    sb.append("    ").append(field).append(":\n");
    for (String l : lines) {
      sb.append("      ").append(l).append('\n');
    }
  }

  private String portList() {
    List<String> out = new ArrayList<>();
    int n = d.between(1, 2);
    for (int i = 0; i < n; i++) {
      String p = d.pick(PORTS);
      out.add(p.matches("[0-9]+") ? p : "\"" + p + "\"");
    }
    return String.join(", ", out.stream().distinct().toList());
  }

  private static String quote(String selector) {
    return "\"" + selector.replace("\"", "\\\"") + "\"";
  }
}
