package dev.netpolc.compiler.gen;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.AnpPort;
import dev.netpolc.model.npa.AnpRule;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import dev.netpolc.model.npa.PolicyTier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quicktheories.core.Gen;

/**
 * Generates valid tiered clusters: {@link ClusterGen}'s inventory and NetworkPolicies plus
 * ClusterNetworkPolicies of both tiers, v1alpha1 AdminNetworkPolicies and the
 * BaselineAdminNetworkPolicy, with priorities from a small set (so ties between kinds and names
 * happen), Accept/Deny/Pass rules whose peers are namespaces, pods, nodes and networks (covering
 * pod, node and outside addresses), and protocols with numbers, ranges, bare protocols and named
 * ports. For property tests here, in the backends and end to end (compiler test-jar).
 */
public final class TieredClusterGen {
  private static final List<Integer> PRIORITIES = List.of(0, 1, 5, 5, 10, 1000);

  /**
   * The values the cluster-scoped policies draw from, so that another inventory (the kernel
   * tests' fixed topology) gets peers and ports that hit its addresses and probed ports.
   *
   * @param networks     CIDRs for {@code networks} peers (the first is the simplest)
   * @param portNumbers  destination port numbers, and range starts (a range ends 1–10 above)
   * @param nodeSelector the selector of a {@code nodes} peer that does not select every node
   * @param minPolicies  the fewest cluster-scoped policies drawn per cluster, 0 to 4 (a second draw
   *                     of the BaselineAdminNetworkPolicy singleton adds none)
   */
  public record Vocabulary(List<String> networks, List<Integer> portNumbers, LabelSelector nodeSelector,
      int minPolicies) {
    /** The vocabulary of {@link ClusterGen}'s inventory. */
    public static final Vocabulary CLUSTER_GEN = new Vocabulary(List.of("0.0.0.0/0", "198.18.0.0/28",
        "198.18.0.4/30", "::/0", "fd00::/120", "203.0.113.0/24", "192.0.2.0/24", "198.18.0.3/32", "192.0.2.1/32"),
        ClusterGen.PORT_NUMBERS, new LabelSelector(Map.of("node-role", "none"), List.of()), 0);

    /** Copies the lists; none may be empty. */
    public Vocabulary {
      networks = List.copyOf(networks);
      portNumbers = List.copyOf(portNumbers);
      if (networks.isEmpty() || portNumbers.isEmpty()) {
        throw new IllegalArgumentException("a vocabulary needs networks and port numbers");
      }
      if (minPolicies < 0 || minPolicies > 4) {
        throw new IllegalArgumentException("minPolicies must be 0 to 4: " + minPolicies);
      }
    }
  }

  private final Draw d;
  private final Vocabulary v;

  private TieredClusterGen(Draw d, Vocabulary v) {
    this.d = d;
    this.v = v;
  }

  /** Small tiered clusters (up to 7 pods, 4 NetworkPolicies, 4 cluster-scoped policies). */
  public static Gen<Cluster> clusters() {
    return over(ClusterGen.clusters(), Vocabulary.CLUSTER_GEN);
  }

  /**
   * Cluster-scoped policies (up to 4) drawn from {@code vocabulary}, added to each cluster of
   * {@code base}, whose inventory and NetworkPolicies stay as they are. Subjects and pod peers
   * use {@link ClusterGen}'s label vocabulary (namespaces a, b, c; keys team, env, app, tier).
   */
  public static Gen<Cluster> over(Gen<Cluster> base, Vocabulary vocabulary) {
    Gen<Cluster> g = in -> new TieredClusterGen(Draw.of(in), vocabulary).addTo(base.generate(in));
    return g.describedAs(TieredClusterGen::describe);
  }

  /** The NetworkPolicy part as YAML, then the cluster-scoped policies. */
  public static String describe(Cluster c) {
    StringBuilder sb = new StringBuilder(ClusterYaml.describe(c));
    c.clusterNetworkPolicies().forEach(p -> sb.append("\n# ").append(p));
    c.adminNetworkPolicies().forEach(p -> sb.append("\n# ").append(p));
    c.baselineAdminNetworkPolicies().forEach(p -> sb.append("\n# ").append(p));
    return sb.toString();
  }

  private Cluster addTo(Cluster base) {
    List<ClusterNetworkPolicy> cnps = new ArrayList<>();
    List<AdminNetworkPolicy> anps = new ArrayList<>();
    List<BaselineAdminNetworkPolicy> banps = new ArrayList<>();
    int n = d.between(v.minPolicies(), 4);
    for (int i = 0; i < n; i++) {
      switch (d.between(0, 3)) {
        case 0, 1 -> cnps.add(new ClusterNetworkPolicy("cnp" + d.between(0, 2) + "-" + i,
            d.chance(60) ? PolicyTier.ADMIN.apiName() : PolicyTier.BASELINE.apiName(), d.pick(PRIORITIES), subject(),
            rules(true), rules(false), dev.netpolc.model.npa.ClusterPolicyKind.CLUSTER_NETWORK_POLICY,
            SourceMap.EMPTY, Set.of()));
        case 2 -> anps.add(new AdminNetworkPolicy("anp" + d.between(0, 2) + "-" + i, d.pick(PRIORITIES), subject(),
            anpRules(true, true), anpRules(false, true), SourceMap.EMPTY, Set.of()));
        default -> {
          if (banps.isEmpty()) {
            banps.add(new BaselineAdminNetworkPolicy("default", subject(), anpRules(true, false),
                anpRules(false, false), SourceMap.EMPTY, Set.of()));
          }
        }
      }
    }
    return base.withTieredPolicies(cnps, anps, banps);
  }

  private ClusterPolicySubject subject() {
    return d.chance(50) ? ClusterPolicySubject.namespaces(nsSelector())
        : ClusterPolicySubject.pods(nsSelector(), podSelector());
  }

  private List<ClusterPolicyRule> rules(boolean ingress) {
    int n = d.between(0, 3);
    List<ClusterPolicyRule> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String action = d.pick(List.of("Accept", "Deny", "Pass"));
      List<ClusterPolicyPeer> peers = peers(ingress);
      boolean podsOnly = peers.stream().allMatch(p -> p.namespaces().isPresent() || p.pods().isPresent());
      Optional<List<ClusterPolicyProtocol>> protocols = Optional.empty();
      if (d.chance(60)) {
        List<ClusterPolicyProtocol> ps = new ArrayList<>();
        int k = d.between(1, 2);
        for (int j = 0; j < k; j++) {
          ps.add(protocol(podsOnly));
        }
        protocols = Optional.of(ps);
      }
      out.add(new ClusterPolicyRule(d.chance(30) ? Optional.of("r" + i) : Optional.empty(), action, peers,
          protocols));
    }
    return out;
  }

  private List<AnpRule> anpRules(boolean ingress, boolean admin) {
    int n = d.between(0, 2);
    List<AnpRule> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String action = d.pick(admin ? List.of("Allow", "Deny", "Pass") : List.of("Allow", "Deny"));
      List<ClusterPolicyPeer> peers = peers(ingress);
      boolean podsOnly = peers.stream().allMatch(p -> p.namespaces().isPresent() || p.pods().isPresent());
      Optional<List<AnpPort>> ports = Optional.empty();
      if (d.chance(60)) {
        List<AnpPort> ps = new ArrayList<>();
        int k = d.between(1, 2);
        for (int j = 0; j < k; j++) {
          String proto = d.pick(List.of("TCP", "UDP", "SCTP"));
          int port = d.pick(v.portNumbers());
          ps.add(switch (d.between(0, podsOnly ? 2 : 1)) {
            case 0 -> new AnpPort(Optional.of(new AnpPort.ProtocolPort(proto, port)), Optional.empty(),
                Optional.empty());
            case 1 -> new AnpPort(Optional.empty(), Optional.empty(),
                Optional.of(new AnpPort.ProtocolRange(proto, port, port + d.between(1, 10))));
            default -> new AnpPort(Optional.empty(), Optional.of(d.pick(ClusterGen.PORT_NAMES)), Optional.empty());
          });
        }
        ports = Optional.of(ps);
      }
      out.add(new AnpRule(Optional.empty(), action, peers, ports));
    }
    return out;
  }

  private List<ClusterPolicyPeer> peers(boolean ingress) {
    int n = d.between(1, 2);
    List<ClusterPolicyPeer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int kind = d.between(0, ingress ? 1 : 3);
      out.add(switch (kind) {
        case 0 -> ClusterPolicyPeer.pods(nsSelector(), podSelector());
        case 1 -> ClusterPolicyPeer.namespaces(nsSelector());
        // networks is a set in the CRD: no value twice
        case 2 -> ClusterPolicyPeer.networks(d.chance(30)
            ? List.of(d.pick(v.networks()), d.pick(v.networks())).stream().distinct().toList()
            : List.of(d.pick(v.networks())));
        default -> ClusterPolicyPeer.nodes(d.chance(50) ? LabelSelector.EVERYTHING : v.nodeSelector());
      });
    }
    return out;
  }

  private ClusterPolicyProtocol protocol(boolean namedAllowed) {
    int port = d.pick(v.portNumbers());
    DestinationPort dp = switch (d.between(0, 1)) {
      case 0 -> DestinationPort.number(port);
      default -> DestinationPort.range(port, port + d.between(1, 10));
    };
    return switch (d.between(0, namedAllowed ? 3 : 2)) {
      case 0 -> ClusterPolicyProtocol.tcp(dp);
      case 1 -> ClusterPolicyProtocol.udp(dp);
      case 2 -> ClusterPolicyProtocol.sctp(dp);
      default -> ClusterPolicyProtocol.namedPort(d.pick(ClusterGen.PORT_NAMES));
    };
  }

  private LabelSelector nsSelector() {
    if (d.chance(40)) {
      return LabelSelector.EVERYTHING;
    }
    return d.chance(50) ? LabelSelector.ofLabels(Map.of(Namespace.NAME_LABEL, d.pick(ClusterGen.NAMESPACES)))
        : new LabelSelector(Map.of(), List.of(new LabelSelectorRequirement(d.pick(ClusterGen.NS_KEYS.subList(0, 2)),
            d.pick(List.of("In", "NotIn", "Exists")), List.of())).stream()
            .map(r -> r.operator().equals("Exists") ? r
                : new LabelSelectorRequirement(r.key(), r.operator(), List.of(d.pick(List.of("x", "prod")))))
            .toList());
  }

  private LabelSelector podSelector() {
    if (d.chance(40)) {
      return LabelSelector.EVERYTHING;
    }
    return LabelSelector.ofLabels(Map.of(d.pick(ClusterGen.POD_KEYS), d.pick(ClusterGen.POD_VALUES)));
  }
}
