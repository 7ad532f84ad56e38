package dev.netpolc.compiler.gen;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;

/**
 * Generates Calico clusters whose tier structure is what varies: {@link ClusterGen}'s inventory
 * (pods on nodes n1 and n2, whose addresses 192.0.2.1 and 192.0.2.2 some nets name) with 0–2
 * tiers before {@code default} and 0–2 after it (Deny or Pass by default), and 1–5 policies in
 * them whose rules are of shapes a ClusterNetworkPolicy can say: Allow, Deny, Pass and Log rules
 * on TCP, UDP, SCTP or every protocol, numeric ports, ingress peers that are pods, egress peers
 * that are pods, nets or network sets; often an unconditional Pass that ends a tier's policies
 * (as a {@code pass-rest} policy does). Default-tier policies are namespaced and allow only
 * (named ports included), isolating egress often. So earlier-tier Passes, default-tier egress
 * isolation and tiers after default are drawn in clusters that can convert, which
 * {@link CalicoClusterGen} (every Calico construct) draws mostly in clusters that cannot. Written
 * as YAML and read back, as Calico would accept them.
 */
public final class CalicoTierClusterGen {
  private static final List<String> SELECTORS = List.of("all()", "app == 'web'", "has(tier)", "!has(app)",
      "app in {'db', 'fe'}", "env != 'prod'", "app == 'db' && has(env)");
  private static final List<String> NS_SELECTORS = List.of("all()", "team == 'x'", "projectcalico.org/name == 'a'",
      "!has(env)");
  private static final List<String> NETS = List.of("198.18.0.0/30", "0.0.0.0/0", "192.0.2.1/32", "fd00::/126",
      "203.0.113.0/24", "2001:db8::2/128", "::/0");
  private static final List<String> PORTS = List.of("80", "53", "8000:8080", "443");
  /** Named ports too: NetworkPolicy has them per protocol, as Calico. */
  private static final List<String> DEFAULT_TIER_PORTS = List.of("80", "53", "8000:8080", "http");

  private final Draw d;
  private final StringBuilder yaml = new StringBuilder();

  private CalicoTierClusterGen(Draw d) {
    this.d = d;
  }

  /** Calico clusters of several tiers, printed as YAML on failure. */
  public static Gen<Cluster> clusters() {
    return CalicoClusterGen.gated((d, base) -> new CalicoTierClusterGen(d).addTo(base));
  }

  private Cluster addTo(Cluster base) {
    List<String> tiers = new ArrayList<>();
    int before = d.between(0, 2);
    for (int i = 0; i < before; i++) {
      tiers.add(tier("s" + i, 100 + 100 * i));
    }
    tiers.add("default");
    int after = d.between(0, 2);
    for (int i = 0; i < after; i++) {
      tiers.add(tier("z" + i, 2_000_000 + 1_000_000 * i));
    }
    if (d.chance(40)) {
      doc("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: gnodes\n  labels:\n"
          + "    role: ext\nspec:\n  nets: [\"192.0.2.2/32\", \"203.0.113.0/25\"]\n");
    }
    int policies = d.between(1, 5);
    for (int i = 0; i < policies; i++) {
      String tier = d.pick(tiers);
      if (tier.equals("default")) {
        defaultTierPolicy(i);
      } else {
        tieredPolicy(i, tier);
      }
    }
    for (String tier : tiers) {
      if (!tier.equals("default") && d.chance(40)) {
        // What the tier does not decide passes on (examples/calico's security.pass-rest).
        doc("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: " + tier
            + ".pass-rest\nspec:\n  tier: " + tier + "\n  order: 5000\n  selector: all()\n  types: [Ingress, Egress]\n"
            + "  ingress: [{action: Pass}]\n  egress: [{action: Pass}]\n");
      }
    }
    ReadResult r = new PolicyReader().readString("calico-tiers-gen.yaml", yaml.toString());
    if (!r.errors().isEmpty()) {
      throw new IllegalStateException("generated Calico YAML does not read: " + r.errors() + "\n" + yaml);
    }
    List<dev.netpolc.model.NetworkPolicy> kube = base.policies().isEmpty() || d.chance(80) ? List.of()
        : List.of(base.policies().get(0));
    return new Cluster(base.namespaces(), base.pods(), base.nodes(), kube, List.of(), List.of(), List.of(),
        r.cluster().calico());
  }

  private String tier(String name, int order) {
    doc("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: " + name + "\nspec:\n  order: " + order
        + "\n  defaultAction: " + (d.chance(50) ? "Deny" : "Pass") + "\n");
    return name;
  }

  private void doc(String text) {
    yaml.append("---\n").append(text);
  }

  private void tieredPolicy(int i, String tier) {
    boolean global = d.chance(60);
    StringBuilder sb = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: ")
        .append(global ? "GlobalNetworkPolicy" : "NetworkPolicy").append("\nmetadata:\n  name: ").append(tier)
        .append(".p").append(i).append('\n');
    if (!global) {
      sb.append("  namespace: ").append(d.pick(ClusterGen.NAMESPACES)).append('\n');
    }
    sb.append("spec:\n  tier: ").append(tier).append("\n  order: ").append(d.pick(List.of(10, 100, 1000)))
        .append("\n  selector: ").append(quote(d.pick(SELECTORS))).append('\n');
    if (global && d.chance(30)) {
      sb.append("  namespaceSelector: ").append(quote(d.pick(NS_SELECTORS.subList(1, NS_SELECTORS.size()))))
          .append('\n');
    }
    sb.append("  types: [Ingress, Egress]\n");
    rules(sb, "ingress", d.between(0, 2), List.of("Allow", "Deny", "Pass", "Log", "Pass"), true);
    rules(sb, "egress", d.between(0, 2), List.of("Allow", "Deny", "Pass", "Log", "Pass"), false);
    doc(sb.toString());
  }

  private void defaultTierPolicy(int i) {
    StringBuilder sb = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n"
        + "  name: d").append(i).append("\n  namespace: ").append(d.pick(ClusterGen.NAMESPACES))
        .append("\nspec:\n  selector: ").append(quote(d.pick(SELECTORS))).append('\n');
    sb.append("  types: ").append(d.pick(List.of("[Egress]", "[Ingress, Egress]", "[Ingress]"))).append('\n');
    rules(sb, "ingress", d.between(0, 2), List.of("Allow", "Log"), true);
    rules(sb, "egress", d.between(0, 2), List.of("Allow", "Log"), false);
    doc(sb.toString());
  }

  private void rules(StringBuilder sb, String field, int n, List<String> actions, boolean ingress) {
    if (n == 0) {
      return;
    }
    sb.append("  ").append(field).append(":\n");
    for (int i = 0; i < n; i++) {
      String action = d.pick(actions);
      sb.append("  - action: ").append(action).append('\n');
      if (action.equals("Pass") && d.chance(30)) {
        continue; // unconditional
      }
      String protocol = d.pick(List.of("", "TCP", "UDP", "SCTP"));
      if (!protocol.isEmpty()) {
        sb.append("    protocol: ").append(protocol).append('\n');
      }
      List<String> peer = new ArrayList<>();
      int kind = d.between(0, ingress ? 1 : 3);
      if (kind == 1 || kind == 0 && ingress) {
        peer.add("selector: " + quote(d.pick(SELECTORS)));
        if (d.chance(40)) {
          peer.add("namespaceSelector: " + quote(d.pick(NS_SELECTORS)));
        }
      } else if (kind == 2) {
        peer.add("nets: [\"" + d.pick(NETS) + "\"]");
      } else if (kind == 3) {
        peer.add("selector: role == 'ext'");
        peer.add("namespaceSelector: global()");
      }
      if (!peer.isEmpty()) {
        sb.append("    ").append(ingress ? "source" : "destination").append(":\n");
        peer.forEach(l -> sb.append("      ").append(l).append('\n'));
      }
      if (!protocol.isEmpty() && d.chance(50)) {
        String port = d.pick(actions.contains("Deny") ? PORTS : DEFAULT_TIER_PORTS);
        if (ingress || peer.isEmpty()) {
          sb.append("    destination:\n");
        }
        sb.append("      ports: [").append(port.matches("[0-9]+") ? port : "\"" + port + "\"").append("]\n");
      }
    }
  }

  private static String quote(String selector) {
    return "\"" + selector.replace("\"", "\\\"") + "\"";
  }
}
