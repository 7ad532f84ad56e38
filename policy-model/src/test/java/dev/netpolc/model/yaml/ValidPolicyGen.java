package dev.netpolc.model.yaml;

import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.LabelSelectorRequirement.Operator;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.AnpPort;
import dev.netpolc.model.npa.AnpRule;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.DestinationPort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/**
 * QuickTheories generators of valid Kubernetes objects covering every field of the
 * NetworkPolicy API: matchLabels and every matchExpressions operator, absent versus empty
 * selectors, ipBlock with IPv4 and IPv6 excepts, ports with and without protocol, numeric and
 * named ports, endPort, and policyTypes absent, single or both; and valid cluster policies
 * (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy) covering every field of
 * theirs. Reusable by any test that needs realistic policies; objects carry no source positions.
 */
public final class ValidPolicyGen {
  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
  private static final String ALNUM = LOWER + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String[] OPERATORS = {"In", "NotIn", "Exists", "DoesNotExist"};

  private ValidPolicyGen() {}

  /** Valid NetworkPolicies. */
  public static Gen<NetworkPolicy> policies() {
    return in -> {
      String namespace = dnsLabel(in);
      String name = dnsLabel(in);
      LabelSelector podSelector = selector(in);
      List<String> types = policyTypes(in);
      List<PolicyRule> ingress = rules(in);
      List<PolicyRule> egress = rules(in);
      Set<String> suppressed = new TreeSet<>();
      for (int i = 0, n = pick(in, 0, 2); i < n; i++) {
        suppressed.add("NP" + pick(in, 100, 399));
      }
      return new NetworkPolicy(namespace, name, podSelector, types, ingress, egress, SourceMap.EMPTY, suppressed);
    };
  }

  /**
   * Valid v1alpha2 ClusterNetworkPolicies: both tiers, every action, subjects of both forms, every
   * peer kind (address peers in egress only), protocols of every kind with numbers and ascending
   * ranges, named ports only beside pod peers, rule names present or not.
   */
  public static Gen<ClusterNetworkPolicy> clusterNetworkPolicies() {
    return in -> new ClusterNetworkPolicy(dnsLabel(in), bool(in) ? "Admin" : "Baseline", pick(in, 0, 1000),
        subject(in), clusterRules(in, true), clusterRules(in, false), ClusterPolicyKind.CLUSTER_NETWORK_POLICY,
        SourceMap.EMPTY, suppressed(in));
  }

  /** Valid v1alpha1 AdminNetworkPolicies (ports of every kind, protocols TCP, UDP and SCTP). */
  public static Gen<AdminNetworkPolicy> adminNetworkPolicies() {
    return in -> new AdminNetworkPolicy(dnsLabel(in), pick(in, 0, 1000), subject(in),
        anpRules(in, true, List.of("Allow", "Deny", "Pass"), true), anpRules(in, false,
            List.of("Allow", "Deny", "Pass"), true), SourceMap.EMPTY, suppressed(in));
  }

  /** Valid v1alpha1 BaselineAdminNetworkPolicies (named {@code default}; no domainNames). */
  public static Gen<BaselineAdminNetworkPolicy> baselineAdminNetworkPolicies() {
    return in -> new BaselineAdminNetworkPolicy("default", subject(in),
        anpRules(in, true, List.of("Allow", "Deny"), false), anpRules(in, false, List.of("Allow", "Deny"), false),
        SourceMap.EMPTY, suppressed(in));
  }

  /** {@code p} without its source positions. */
  public static ClusterNetworkPolicy withoutSource(ClusterNetworkPolicy p) {
    return new ClusterNetworkPolicy(p.name(), p.tier(), p.priority(), p.subject(), p.ingress(), p.egress(), p.kind(),
        SourceMap.EMPTY, p.suppressedRules());
  }

  /** {@code p} without its source positions. */
  public static AdminNetworkPolicy withoutSource(AdminNetworkPolicy p) {
    return new AdminNetworkPolicy(p.name(), p.priority(), p.subject(), p.ingress(), p.egress(), SourceMap.EMPTY,
        p.suppressedRules());
  }

  /** {@code p} without its source positions. */
  public static BaselineAdminNetworkPolicy withoutSource(BaselineAdminNetworkPolicy p) {
    return new BaselineAdminNetworkPolicy(p.name(), p.subject(), p.ingress(), p.egress(), SourceMap.EMPTY,
        p.suppressedRules());
  }

  private static Set<String> suppressed(RandomnessSource in) {
    Set<String> out = new TreeSet<>();
    for (int i = 0, n = pick(in, 0, 2); i < n; i++) {
      out.add("NP" + pick(in, 100, 399));
    }
    return out;
  }

  private static ClusterPolicySubject subject(RandomnessSource in) {
    return bool(in) ? ClusterPolicySubject.namespaces(selector(in))
        : ClusterPolicySubject.pods(selector(in), selector(in));
  }

  /** Peers of one rule; address peers (nodes, networks, domainNames) only in egress. */
  private static List<ClusterPolicyPeer> clusterPeers(RandomnessSource in, boolean ingress, boolean domainNames) {
    List<ClusterPolicyPeer> out = new ArrayList<>();
    for (int j = 0, m = pick(in, 1, 3); j < m; j++) {
      switch (pick(in, 0, ingress ? 1 : domainNames ? 4 : 3)) {
        case 0:
          out.add(ClusterPolicyPeer.namespaces(selector(in)));
          break;
        case 1:
          out.add(ClusterPolicyPeer.pods(selector(in), selector(in)));
          break;
        case 2:
          out.add(ClusterPolicyPeer.nodes(selector(in)));
          break;
        case 3: {
          Set<String> cidrs = new TreeSet<>();
          for (int k = 0, n = pick(in, 1, 3); k < n; k++) {
            cidrs.add(bool(in) ? v4Cidr(in) : v6Cidr(in));
          }
          out.add(ClusterPolicyPeer.networks(new ArrayList<>(cidrs)));
          break;
        }
        default: {
          Set<String> names = new TreeSet<>();
          for (int k = 0, n = pick(in, 1, 2); k < n; k++) {
            names.add((bool(in) ? "*." : "") + dnsLabel(in) + "." + dnsLabel(in) + (bool(in) ? "." : ""));
          }
          out.add(ClusterPolicyPeer.domainNames(new ArrayList<>(names)));
          break;
        }
      }
    }
    return out;
  }

  private static boolean hasAddressPeer(List<ClusterPolicyPeer> peers) {
    return peers.stream().anyMatch(p -> p.nodes().isPresent() || p.networks().isPresent()
        || p.domainNames().isPresent());
  }

  private static List<ClusterPolicyRule> clusterRules(RandomnessSource in, boolean ingress) {
    List<ClusterPolicyRule> out = new ArrayList<>();
    for (int i = 0, n = pick(in, 0, 3); i < n; i++) {
      List<ClusterPolicyPeer> peers = clusterPeers(in, ingress, true);
      Optional<List<ClusterPolicyProtocol>> protocols = Optional.empty();
      if (bool(in)) {
        List<ClusterPolicyProtocol> ps = new ArrayList<>();
        for (int k = 0, m = pick(in, 1, 3); k < m; k++) {
          int kind = pick(in, 0, hasAddressPeer(peers) ? 2 : 3);
          if (kind == 3) {
            ps.add(ClusterPolicyProtocol.namedPort(portName(in)));
            continue;
          }
          DestinationPort port;
          if (bool(in)) {
            port = DestinationPort.number(pick(in, 1, 65535));
          } else {
            int start = pick(in, 1, 65534);
            port = DestinationPort.range(start, pick(in, start + 1, 65535));
          }
          ps.add(kind == 0 ? ClusterPolicyProtocol.tcp(port) : kind == 1 ? ClusterPolicyProtocol.udp(port)
              : ClusterPolicyProtocol.sctp(port));
        }
        protocols = Optional.of(ps);
      }
      String[] actions = {"Accept", "Deny", "Pass"};
      out.add(new ClusterPolicyRule(ruleName(in), actions[pick(in, 0, 2)], peers, protocols));
    }
    return out;
  }

  private static List<AnpRule> anpRules(RandomnessSource in, boolean ingress, List<String> actions,
      boolean domainNames) {
    List<AnpRule> out = new ArrayList<>();
    for (int i = 0, n = pick(in, 0, 3); i < n; i++) {
      List<ClusterPolicyPeer> peers = clusterPeers(in, ingress, domainNames);
      Optional<List<AnpPort>> ports = Optional.empty();
      if (bool(in)) {
        List<AnpPort> ps = new ArrayList<>();
        for (int k = 0, m = pick(in, 1, 3); k < m; k++) {
          String protocol = Protocol.values()[pick(in, 0, 2)].name();
          switch (pick(in, 0, hasAddressPeer(peers) ? 1 : 2)) {
            case 0:
              ps.add(new AnpPort(Optional.of(new AnpPort.ProtocolPort(protocol, pick(in, 1, 65535))),
                  Optional.empty(), Optional.empty()));
              break;
            case 1: {
              int start = pick(in, 1, 65534);
              ps.add(new AnpPort(Optional.empty(), Optional.empty(),
                  Optional.of(new AnpPort.ProtocolRange(protocol, start, pick(in, start + 1, 65535)))));
              break;
            }
            default:
              ps.add(new AnpPort(Optional.empty(), Optional.of(portName(in)), Optional.empty()));
              break;
          }
        }
        ports = Optional.of(ps);
      }
      out.add(new AnpRule(ruleName(in), actions.get(pick(in, 0, actions.size() - 1)), peers, ports));
    }
    return out;
  }

  /** Absent, or up to 100 characters of any printable text (the API puts no pattern on names). */
  private static Optional<String> ruleName(RandomnessSource in) {
    if (bool(in)) {
      return Optional.empty();
    }
    String[] names = {"", "allow-dns", "Deny all egress", "x".repeat(100), "a: b # not a comment", "80", "yes",
        "naïve ünïcode"};
    return Optional.of(names[pick(in, 0, names.length - 1)]);
  }

  /** Namespaces with labels. */
  public static Gen<Namespace> namespaces() {
    return in -> Namespace.of(dnsLabel(in), labels(in));
  }

  /** Pods with labels, IPs of both families, container and init-container ports. */
  public static Gen<Pod> pods() {
    return in -> {
      List<IpAddress> ips = new ArrayList<>();
      for (int i = 0, n = pick(in, 0, 2); i < n; i++) {
        ips.add(i == 0 ? IpAddress.v4(in.next(constraint(0, 0xFFFF_FFFFL))) : v6(in));
      }
      String[] phases = {null, "Pending", "Running", "Succeeded", "Failed"};
      return new Pod(dnsLabel(in), dnsLabel(in), labels(in), ips, bool(in) ? dnsLabel(in) : null, bool(in),
          phases[pick(in, 0, phases.length - 1)], containerPorts(in), containerPorts(in), SourcePosition.UNKNOWN);
    };
  }

  /** Nodes with labels, addresses and pod CIDRs. */
  public static Gen<Node> nodes() {
    return in -> {
      List<IpAddress> addresses = new ArrayList<>();
      for (int i = 0, n = pick(in, 0, 2); i < n; i++) {
        addresses.add(bool(in) ? IpAddress.v4(in.next(constraint(0, 0xFFFF_FFFFL))) : v6(in));
      }
      List<Cidr> cidrs = new ArrayList<>();
      for (int i = 0, n = pick(in, 0, 2); i < n; i++) {
        cidrs.add(Cidr.of(bool(in) ? v4Cidr(in) : v6Cidr(in)));
      }
      return new Node(dnsLabel(in), labels(in), addresses, cidrs, SourcePosition.UNKNOWN);
    };
  }

  /** {@code p} without its source positions, for comparing a read policy with a generated one. */
  public static NetworkPolicy withoutSource(NetworkPolicy p) {
    return new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.policyTypes(), p.ingress(), p.egress(),
        SourceMap.EMPTY, p.suppressedRules());
  }

  private static List<String> policyTypes(RandomnessSource in) {
    switch (pick(in, 0, 4)) {
      case 0:
        return List.of();
      case 1:
        return List.of("Ingress");
      case 2:
        return List.of("Egress");
      case 3:
        return List.of("Ingress", "Egress");
      default:
        return List.of("Egress", "Ingress");
    }
  }

  private static List<PolicyRule> rules(RandomnessSource in) {
    List<PolicyRule> out = new ArrayList<>();
    for (int i = 0, n = pick(in, 0, 3); i < n; i++) {
      List<Peer> peers = new ArrayList<>();
      for (int j = 0, m = pick(in, 0, 3); j < m; j++) {
        peers.add(peer(in));
      }
      List<PolicyPort> ports = new ArrayList<>();
      for (int j = 0, m = pick(in, 0, 3); j < m; j++) {
        ports.add(port(in));
      }
      out.add(new PolicyRule(peers, ports));
    }
    return out;
  }

  private static Peer peer(RandomnessSource in) {
    switch (pick(in, 0, 3)) {
      case 0:
        return Peer.pods(selector(in));
      case 1:
        return Peer.namespaces(selector(in));
      case 2:
        return new Peer(Optional.of(selector(in)), Optional.of(selector(in)), Optional.empty());
      default:
        return Peer.ipBlock(ipBlock(in));
    }
  }

  private static IpBlock ipBlock(RandomnessSource in) {
    boolean v6 = bool(in);
    Cidr cidr = Cidr.of(v6 ? v6Cidr(in) : v4Cidr(in));
    int maxPrefix = v6 ? 128 : 32;
    List<String> except = new ArrayList<>();
    if (cidr.prefix() < maxPrefix) {
      for (int i = 0, n = pick(in, 0, 2); i < n; i++) {
        // A block strictly inside: a longer prefix over an address within the cidr.
        int prefix = pick(in, cidr.prefix() + 1, maxPrefix);
        IpAddress inside = cidr.first().plus(in.next(constraint(0, 0xFFFF))).filter(cidr::contains)
            .orElse(cidr.first());
        except.add(new Cidr(inside.mask(prefix), prefix).toString());
      }
    }
    return new IpBlock(cidr.toString(), except);
  }

  private static PolicyPort port(RandomnessSource in) {
    Optional<String> protocol = pick(in, 0, 3) == 0 ? Optional.empty()
        : Optional.of(Protocol.values()[pick(in, 0, 2)].name());
    switch (pick(in, 0, 3)) {
      case 0:
        return new PolicyPort(protocol, Optional.empty(), Optional.empty());
      case 1:
        return new PolicyPort(protocol, Optional.of(PortValue.of(pick(in, 1, 65535))), Optional.empty());
      case 2: {
        int from = pick(in, 1, 65535);
        return new PolicyPort(protocol, Optional.of(PortValue.of(from)), Optional.of(pick(in, from, 65535)));
      }
      default:
        return new PolicyPort(protocol, Optional.of(PortValue.named(portName(in))), Optional.empty());
    }
  }

  private static LabelSelector selector(RandomnessSource in) {
    if (pick(in, 0, 3) == 0) {
      return LabelSelector.EVERYTHING;
    }
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    for (int i = 0, n = pick(in, 0, 3); i < n; i++) {
      String op = OPERATORS[pick(in, 0, 3)];
      List<String> values = new ArrayList<>();
      if (op.equals("In") || op.equals("NotIn")) {
        for (int j = 0, m = pick(in, 1, 3); j < m; j++) {
          values.add(labelValue(in));
        }
      }
      exprs.add(new LabelSelectorRequirement(labelKey(in), Operator.valueOf(op).name(), values));
    }
    return new LabelSelector(labels(in), exprs);
  }

  private static Map<String, String> labels(RandomnessSource in) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0, n = pick(in, 0, 3); i < n; i++) {
      out.put(labelKey(in), labelValue(in));
    }
    return out;
  }

  private static List<ContainerPort> containerPorts(RandomnessSource in) {
    List<ContainerPort> out = new ArrayList<>();
    for (int i = 0, n = pick(in, 0, 2); i < n; i++) {
      out.add(new ContainerPort(bool(in) ? portName(in) : null, pick(in, 1, 65535),
          Protocol.values()[pick(in, 0, 2)]));
    }
    return out;
  }

  /** A label key: an optional DNS-subdomain prefix and a name. */
  static String labelKey(RandomnessSource in) {
    String name = labelName(in, 1);
    return bool(in) ? dnsLabel(in) + "." + dnsLabel(in) + "/" + name : name;
  }

  /** A label value, possibly empty, possibly digits only (which must stay a string). */
  static String labelValue(RandomnessSource in) {
    switch (pick(in, 0, 4)) {
      case 0:
        return "";
      case 1:
        return Integer.toString(pick(in, 0, 99999));
      case 2:
        return new String[] {"true", "no", "null", "on", "1.5", "0x1F", "1e3"}[pick(in, 0, 6)];
      default:
        return labelName(in, 1);
    }
  }

  private static String labelName(RandomnessSource in, int min) {
    int len = pick(in, min, 12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      boolean edge = i == 0 || i == len - 1;
      String chars = edge ? ALNUM : ALNUM + "-_.";
      sb.append(chars.charAt(pick(in, 0, chars.length() - 1)));
    }
    return sb.toString();
  }

  private static String dnsLabel(RandomnessSource in) {
    int len = pick(in, 1, 12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      String chars = i == 0 ? LOWER : i == len - 1 ? LOWER + "0123456789" : LOWER + "0123456789-";
      sb.append(chars.charAt(pick(in, 0, chars.length() - 1)));
    }
    return sb.toString();
  }

  private static String portName(RandomnessSource in) {
    int len = pick(in, 1, 15);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append((LOWER + "0123456789").charAt(pick(in, 0, i == 0 ? 25 : 35)));
    }
    return sb.toString();
  }

  private static String v4Cidr(RandomnessSource in) {
    int prefix = pick(in, 0, 32);
    return new Cidr(IpAddress.v4(in.next(constraint(0, 0xFFFF_FFFFL))).mask(prefix), prefix).toString();
  }

  private static String v6Cidr(RandomnessSource in) {
    int prefix = pick(in, 0, 128);
    return new Cidr(v6(in).mask(prefix), prefix).toString();
  }

  private static IpAddress v6(RandomnessSource in) {
    return IpAddress.v6(in.next(constraint(Long.MIN_VALUE, Long.MAX_VALUE)),
        in.next(constraint(Long.MIN_VALUE, Long.MAX_VALUE)));
  }

  private static boolean bool(RandomnessSource in) {
    return booleans().all().generate(in);
  }

  private static int pick(RandomnessSource in, int min, int max) {
    return integers().between(min, max).generate(in);
  }

  private static org.quicktheories.impl.Constraint constraint(long min, long max) {
    return org.quicktheories.impl.Constraint.between(min, max);
  }
}
