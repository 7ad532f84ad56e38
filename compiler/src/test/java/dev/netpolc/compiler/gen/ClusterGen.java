package dev.netpolc.compiler.gen;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quicktheories.core.Gen;

/**
 * Generates valid clusters covering the whole NetworkPolicy API, for property tests here, in the
 * backends and end to end (this class ships in the compiler test-jar).
 *
 * <p>Inventory: namespaces with labels; nodes with IPv4 and IPv6 addresses (192.0.2.0/24,
 * 2001:db8::/64); pods with labels, IPv4 and/or IPv6 addresses in 198.18.0.0/15 and fd00::/8 or
 * outside (203.0.113.0/24), named container and init-container ports on TCP/UDP/SCTP,
 * hostNetwork pods (node addresses), terminated and IP-less pods, occasionally two pods with one
 * address. Policies: empty and non-empty pod selectors with matchLabels and every operator;
 * policyTypes absent and in every form; absent/empty/several rules, peers (pod, namespace,
 * both, ipBlock with excepts in both families) and ports (with and without protocol, numeric,
 * named, endPort). Small vocabularies make selectors hit often.
 */
public final class ClusterGen {
  static final List<String> NAMESPACES = List.of("a", "b", "c");
  static final List<String> NODES = List.of("n1", "n2");
  static final List<String> POD_KEYS = List.of("app", "tier", "env");
  static final List<String> POD_VALUES = List.of("web", "db", "fe", "prod");
  static final List<String> NS_KEYS = List.of("team", "env", Namespace.NAME_LABEL);
  static final List<String> NS_VALUES = List.of("x", "prod", "a", "b");
  static final List<String> PORT_NAMES = List.of("http", "dns", "metrics", "nope");
  static final List<Integer> PORT_NUMBERS = List.of(80, 53, 8080, 443, 9090, 81);
  static final List<String> CIDRS = List.of("198.18.0.0/28", "0.0.0.0/0", "198.18.0.0/30", "198.18.0.4/30",
      "198.18.0.0/15", "fd00::/120", "::/0", "fd00::/8", "203.0.113.0/24", "192.0.2.0/24", "2001:db8::/64",
      "198.18.0.3/32", "fd00::2/127");

  private final Draw d;
  private final int maxPods;
  private final int maxPolicies;
  private final int ipSpread;

  private ClusterGen(Draw d, int maxPods, int maxPolicies, int ipSpread) {
    this.d = d;
    this.maxPods = maxPods;
    this.maxPolicies = maxPolicies;
    this.ipSpread = ipSpread;
  }

  /** Small clusters (up to 7 pods, 4 policies) that shrink well, printed as YAML on failure. */
  public static Gen<Cluster> clusters() {
    Gen<Cluster> g = in -> new ClusterGen(Draw.of(in), 7, 4, 12).cluster();
    return g.describedAs(ClusterYaml::describe);
  }

  private Cluster cluster() {
    List<Namespace> namespaces = new ArrayList<>();
    for (String ns : NAMESPACES) {
      if (d.chance(70)) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (d.chance(50)) {
          labels.put("team", d.pick(List.of("x", "y")));
        }
        if (d.chance(50)) {
          labels.put("env", d.pick(List.of("prod", "dev")));
        }
        namespaces.add(Namespace.of(ns, labels));
      }
    }
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < NODES.size(); i++) {
      nodes.add(new Node(NODES.get(i), Map.of(), List.of(IpAddress.parse("192.0.2." + (i + 1)),
          IpAddress.parse("2001:db8::" + (i + 1))), List.of(), SourcePosition.UNKNOWN));
    }
    int podCount = d.between(0, maxPods);
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < podCount; i++) {
      pods.add(pod(i));
    }
    int policyCount = d.between(0, maxPolicies);
    List<NetworkPolicy> policies = new ArrayList<>();
    for (int i = 0; i < policyCount; i++) {
      policies.add(policy(i));
    }
    return new Cluster(namespaces, pods, nodes, policies);
  }

  private Pod pod(int i) {
    String ns = d.pick(NAMESPACES);
    Map<String, String> labels = labels(POD_KEYS, POD_VALUES, 2);
    int node = d.between(0, NODES.size()); // NODES.size() = unscheduled
    String nodeName = node < NODES.size() ? NODES.get(node) : null;
    boolean hostNetwork = nodeName != null && d.chance(10);
    List<IpAddress> ips = new ArrayList<>();
    if (hostNetwork) {
      ips.add(IpAddress.parse("192.0.2." + (node + 1)));
    } else {
      int family = d.between(0, 4); // 0 v4, 1 dual, 2 v6, 3 none, 4 outside v4
      int k = (i + d.between(0, ipSpread)) % (ipSpread + 1); // distinct at the shrink point, sometimes shared
      if (family == 0 || family == 1) {
        ips.add(IpAddress.v4(0xC6120000L + k)); // 198.18.0.0 + k
      }
      if (family == 1 || family == 2) {
        ips.add(IpAddress.v6(0xFD00L << 48, k));
      }
      if (family == 4) {
        ips.add(IpAddress.v4(0xCB007100L + (k % 250) + 1)); // 203.0.113.x
      }
    }
    String phase = d.pick(List.of("Running", "Running", "Running", "Pending", "Succeeded", "Failed"));
    List<ContainerPort> ports = new ArrayList<>();
    int n = d.between(0, 2);
    for (int j = 0; j < n; j++) {
      ContainerPort p = containerPort();
      // One name twice in a container is invalid (NP108): the API server rejects such a pod.
      boolean taken = p.name() != null && ports.stream().anyMatch(q -> p.name().equals(q.name()));
      ports.add(taken ? new ContainerPort(null, p.containerPort(), p.protocol()) : p);
    }
    List<ContainerPort> initPorts = d.chance(10) ? List.of(containerPort()) : List.of();
    return new Pod(ns, "p" + i, labels, ips, nodeName, hostNetwork, phase, ports, initPorts, SourcePosition.UNKNOWN);
  }

  private ContainerPort containerPort() {
    String name = d.chance(80) ? d.pick(PORT_NAMES.subList(0, 3)) : null;
    return new ContainerPort(name, d.pick(PORT_NUMBERS), d.pick(List.of(dev.netpolc.model.Protocol.values())));
  }

  private Map<String, String> labels(List<String> keys, List<String> values, int max) {
    Map<String, String> out = new LinkedHashMap<>();
    int n = d.between(0, max);
    for (int i = 0; i < n; i++) {
      out.put(d.pick(keys), d.pick(values));
    }
    return out;
  }

  private NetworkPolicy policy(int i) {
    String ns = d.pick(NAMESPACES);
    LabelSelector podSelector = selector(POD_KEYS, POD_VALUES);
    List<String> types = d.pick(List.of(List.<String>of(), List.of("Ingress"), List.of("Egress"),
        List.of("Ingress", "Egress"), List.of("Egress", "Ingress")));
    List<PolicyRule> ingress = rules();
    List<PolicyRule> egress = rules();
    return NetworkPolicy.of(ns, "np" + i, podSelector, types, ingress, egress);
  }

  private List<PolicyRule> rules() {
    int n = d.between(0, 2);
    List<PolicyRule> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Peer> peers = new ArrayList<>();
      int np = d.between(0, 2);
      for (int j = 0; j < np; j++) {
        peers.add(peer());
      }
      List<PolicyPort> ports = new ArrayList<>();
      int nports = d.between(0, 2);
      for (int j = 0; j < nports; j++) {
        ports.add(port());
      }
      out.add(new PolicyRule(peers, ports));
    }
    return out;
  }

  private Peer peer() {
    switch (d.between(0, 3)) {
      case 0:
        return Peer.pods(selector(POD_KEYS, POD_VALUES));
      case 1:
        return Peer.namespaces(selector(NS_KEYS, NS_VALUES));
      case 2:
        return new Peer(Optional.of(selector(POD_KEYS, POD_VALUES)), Optional.of(selector(NS_KEYS, NS_VALUES)),
            Optional.empty());
      default:
        return Peer.ipBlock(ipBlock());
    }
  }

  private IpBlock ipBlock() {
    Cidr cidr = Cidr.of(d.pick(CIDRS));
    List<String> except = new ArrayList<>();
    int n = cidr.prefix() >= cidr.address().bits() ? 0 : d.between(0, 2);
    for (int i = 0; i < n; i++) {
      except.add(exceptInside(cidr).toString());
    }
    return new IpBlock(cidr.toString(), except);
  }

  /** A block strictly inside {@code cidr}, often around a pod address. */
  private Cidr exceptInside(Cidr cidr) {
    int bits = cidr.address().bits();
    IpAddress base = cidr.v6() ? IpAddress.v6(0xFD00L << 48, d.between(0, ipSpread))
        : IpAddress.v4(0xC6120000L + d.between(0, ipSpread));
    if (!cidr.contains(base)) {
      base = cidr.first().plus(d.between(0, 3)).filter(cidr::contains).orElse(cidr.first());
    }
    int prefix = d.between(Math.max(cidr.prefix() + 1, bits - 3), bits);
    return new Cidr(base.mask(prefix), prefix);
  }

  private PolicyPort port() {
    Optional<String> protocol = d.pick(List.of(Optional.<String>empty(), Optional.of("TCP"), Optional.of("UDP"),
        Optional.of("SCTP")));
    switch (d.between(0, 3)) {
      case 0:
        return new PolicyPort(protocol, Optional.empty(), Optional.empty());
      case 1:
        return new PolicyPort(protocol, Optional.of(PortValue.of(d.pick(PORT_NUMBERS))), Optional.empty());
      case 2: {
        int from = d.pick(PORT_NUMBERS);
        return new PolicyPort(protocol, Optional.of(PortValue.of(from)), Optional.of(from + d.between(0, 3)));
      }
      default:
        return new PolicyPort(protocol, Optional.of(PortValue.named(d.pick(PORT_NAMES))), Optional.empty());
    }
  }

  private LabelSelector selector(List<String> keys, List<String> values) {
    if (d.chance(40)) {
      return LabelSelector.EVERYTHING;
    }
    Map<String, String> match = d.chance(50) ? Map.of(d.pick(keys), d.pick(values)) : Map.of();
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    int n = d.between(0, match.isEmpty() ? 2 : 1);
    for (int i = 0; i < n; i++) {
      LabelSelectorRequirement.Operator op = d.pick(List.of(LabelSelectorRequirement.Operator.values()));
      String key = d.pick(keys);
      boolean needsValues = op == LabelSelectorRequirement.Operator.In || op == LabelSelectorRequirement.Operator.NotIn;
      List<String> vals = new ArrayList<>();
      if (needsValues) {
        vals.add(d.pick(values));
        if (d.chance(40)) {
          vals.add(d.pick(values));
        }
      }
      exprs.add(new LabelSelectorRequirement(key, op.name(), vals.stream().distinct().toList()));
    }
    return new LabelSelector(match, exprs);
  }
}
