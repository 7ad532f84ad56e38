package dev.netpolc.model.yaml;

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
import dev.netpolc.model.Protocol;
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
import dev.netpolc.model.npa.NamespacedPods;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes model objects (inventory, NetworkPolicies and the cluster policies of
 * policy.networking.k8s.io) as Kubernetes YAML: deterministic (the same object always gives the
 * same bytes), readable (kubectl's layout and field order), and faithful: {@link PolicyReader}
 * reads the output back to an equal object (source positions aside). Absent fields are left out;
 * empty selectors, peers, rules and ports are written {@code {}}. A policy's suppressed rules
 * become a {@code # netpolc: disable=…} comment above it. Pods get one container named
 * {@code main} (and one init container named {@code init}) carrying their ports; node addresses
 * are written as InternalIP.
 */
public final class PolicyWriter {
  private PolicyWriter() {}

  /** One NetworkPolicy document. */
  public static String toYaml(NetworkPolicy p) {
    StringBuilder sb = new StringBuilder();
    if (!p.suppressedRules().isEmpty()) {
      sb.append("# netpolc: disable=").append(String.join(",", p.suppressedRules())).append('\n');
    }
    new YamlEmitter(sb).document(policy(p));
    return sb.toString();
  }

  /**
   * One v1alpha2 ClusterNetworkPolicy document. A v1alpha1 policy lowered onto the record
   * ({@link ClusterNetworkPolicy#kind()} other than ClusterNetworkPolicy) is written as the
   * ClusterNetworkPolicy it lowers to; for a lowered BaselineAdminNetworkPolicy that is priority
   * 0, so its place after every Baseline policy (netpolc's ordering by kind) is not carried by
   * the written object, and a converter must choose a priority for it.
   */
  public static String toYaml(ClusterNetworkPolicy p) {
    Map<String, Object> doc = header(ClusterPolicyKind.CLUSTER_NETWORK_POLICY.apiVersion(),
        ClusterPolicyKind.CLUSTER_NETWORK_POLICY.kindName());
    doc.put("metadata", metadata(p.name(), null, Map.of()));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("tier", p.tier());
    spec.put("priority", p.priority());
    spec.put("subject", subject(p.subject()));
    if (!p.ingress().isEmpty()) {
      spec.put("ingress", clusterRules(p.ingress(), "from"));
    }
    if (!p.egress().isEmpty()) {
      spec.put("egress", clusterRules(p.egress(), "to"));
    }
    doc.put("spec", spec);
    return suppressed(p.suppressedRules()) + emit(doc);
  }

  /** One v1alpha1 AdminNetworkPolicy document. */
  public static String toYaml(AdminNetworkPolicy p) {
    Map<String, Object> doc = header(ClusterPolicyKind.ADMIN_NETWORK_POLICY.apiVersion(),
        ClusterPolicyKind.ADMIN_NETWORK_POLICY.kindName());
    doc.put("metadata", metadata(p.name(), null, Map.of()));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("priority", p.priority());
    v1alpha1Spec(spec, p.subject(), p.ingress(), p.egress());
    doc.put("spec", spec);
    return suppressed(p.suppressedRules()) + emit(doc);
  }

  /** One v1alpha1 BaselineAdminNetworkPolicy document. */
  public static String toYaml(BaselineAdminNetworkPolicy p) {
    Map<String, Object> doc = header(ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY.apiVersion(),
        ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY.kindName());
    doc.put("metadata", metadata(p.name(), null, Map.of()));
    Map<String, Object> spec = new LinkedHashMap<>();
    v1alpha1Spec(spec, p.subject(), p.ingress(), p.egress());
    doc.put("spec", spec);
    return suppressed(p.suppressedRules()) + emit(doc);
  }

  /** One Namespace document. */
  public static String toYaml(Namespace n) {
    return emit(namespace(n));
  }

  /** One Pod document. */
  public static String toYaml(Pod p) {
    return emit(pod(p));
  }

  /** One Node document. */
  public static String toYaml(Node n) {
    return emit(node(n));
  }

  /**
   * A multi-document stream: namespaces, nodes, pods, NetworkPolicies, then ClusterNetworkPolicies,
   * AdminNetworkPolicies and BaselineAdminNetworkPolicies, each document opened by {@code ---}.
   */
  public static String toYaml(Cluster c) {
    StringBuilder sb = new StringBuilder();
    for (Namespace n : c.namespaces()) {
      sb.append("---\n").append(toYaml(n));
    }
    for (Node n : c.nodes()) {
      sb.append("---\n").append(toYaml(n));
    }
    for (Pod p : c.pods()) {
      sb.append("---\n").append(toYaml(p));
    }
    for (NetworkPolicy p : c.policies()) {
      sb.append("---\n").append(toYaml(p));
    }
    for (ClusterNetworkPolicy p : c.clusterNetworkPolicies()) {
      sb.append("---\n").append(toYaml(p));
    }
    for (AdminNetworkPolicy p : c.adminNetworkPolicies()) {
      sb.append("---\n").append(toYaml(p));
    }
    for (BaselineAdminNetworkPolicy p : c.baselineAdminNetworkPolicies()) {
      sb.append("---\n").append(toYaml(p));
    }
    return sb.toString();
  }

  /** The suppression comment for an object's suppressed rules, or nothing. */
  private static String suppressed(Set<String> rules) {
    return rules.isEmpty() ? "" : "# netpolc: disable=" + String.join(",", rules) + "\n";
  }

  private static Map<String, Object> subject(ClusterPolicySubject s) {
    Map<String, Object> m = new LinkedHashMap<>();
    s.namespaces().ifPresent(sel -> m.put("namespaces", selector(sel)));
    s.pods().ifPresent(pods -> m.put("pods", pods(pods)));
    return m;
  }

  private static Map<String, Object> pods(NamespacedPods pods) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("namespaceSelector", selector(pods.namespaceSelector()));
    m.put("podSelector", selector(pods.podSelector()));
    return m;
  }

  /** Name and action first, then peers, as the API documentation writes rules. */
  private static Map<String, Object> ruleHead(Optional<String> name, String action, List<ClusterPolicyPeer> peers,
      String peersKey) {
    Map<String, Object> m = new LinkedHashMap<>();
    name.ifPresent(n -> m.put("name", n));
    m.put("action", action);
    List<Object> out = new ArrayList<>();
    for (ClusterPolicyPeer peer : peers) {
      out.add(clusterPeer(peer));
    }
    m.put(peersKey, out);
    return m;
  }

  private static List<Object> clusterRules(List<ClusterPolicyRule> rules, String peersKey) {
    List<Object> out = new ArrayList<>();
    for (ClusterPolicyRule r : rules) {
      Map<String, Object> m = ruleHead(r.name(), r.action(), r.peers(), peersKey);
      r.protocols().ifPresent(ps -> {
        List<Object> protocols = new ArrayList<>();
        for (ClusterPolicyProtocol p : ps) {
          Map<String, Object> pm = new LinkedHashMap<>();
          p.tcp().ifPresent(d -> pm.put("tcp", destination(d)));
          p.udp().ifPresent(d -> pm.put("udp", destination(d)));
          p.sctp().ifPresent(d -> pm.put("sctp", destination(d)));
          p.destinationNamedPort().ifPresent(n -> pm.put("destinationNamedPort", n));
          protocols.add(pm);
        }
        m.put("protocols", protocols);
      });
      out.add(m);
    }
    return out;
  }

  /** {@code {destinationPort: …}}, or {@code {}} for {@link DestinationPort#ANY}. */
  private static Map<String, Object> destination(DestinationPort d) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (d.number().isPresent() || d.range().isPresent()) {
      Map<String, Object> port = new LinkedHashMap<>();
      d.number().ifPresent(n -> port.put("number", n));
      d.range().ifPresent(r -> {
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("start", r.start());
        range.put("end", r.end());
        port.put("range", range);
      });
      m.put("destinationPort", port);
    }
    return m;
  }

  private static Map<String, Object> clusterPeer(ClusterPolicyPeer peer) {
    Map<String, Object> m = new LinkedHashMap<>();
    peer.namespaces().ifPresent(sel -> m.put("namespaces", selector(sel)));
    peer.pods().ifPresent(pods -> m.put("pods", pods(pods)));
    peer.nodes().ifPresent(sel -> m.put("nodes", selector(sel)));
    peer.networks().ifPresent(n -> m.put("networks", new ArrayList<Object>(n)));
    peer.domainNames().ifPresent(n -> m.put("domainNames", new ArrayList<Object>(n)));
    return m;
  }

  private static void v1alpha1Spec(Map<String, Object> spec, ClusterPolicySubject subject, List<AnpRule> ingress,
      List<AnpRule> egress) {
    spec.put("subject", subject(subject));
    if (!ingress.isEmpty()) {
      spec.put("ingress", anpRules(ingress, "from"));
    }
    if (!egress.isEmpty()) {
      spec.put("egress", anpRules(egress, "to"));
    }
  }

  private static List<Object> anpRules(List<AnpRule> rules, String peersKey) {
    List<Object> out = new ArrayList<>();
    for (AnpRule r : rules) {
      Map<String, Object> m = ruleHead(r.name(), r.action(), r.peers(), peersKey);
      r.ports().ifPresent(ps -> {
        List<Object> ports = new ArrayList<>();
        for (AnpPort p : ps) {
          Map<String, Object> pm = new LinkedHashMap<>();
          p.portNumber().ifPresent(n -> {
            Map<String, Object> number = new LinkedHashMap<>();
            number.put("protocol", n.protocol());
            number.put("port", n.port());
            pm.put("portNumber", number);
          });
          p.namedPort().ifPresent(n -> pm.put("namedPort", n));
          p.portRange().ifPresent(range -> {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("protocol", range.protocol());
            rm.put("start", range.start());
            rm.put("end", range.end());
            pm.put("portRange", rm);
          });
          ports.add(pm);
        }
        m.put("ports", ports);
      });
      out.add(m);
    }
    return out;
  }

  private static String emit(Map<String, Object> doc) {
    StringBuilder sb = new StringBuilder();
    new YamlEmitter(sb).document(doc);
    return sb.toString();
  }

  private static Map<String, Object> header(String apiVersion, String kind) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", apiVersion);
    m.put("kind", kind);
    return m;
  }

  static Map<String, Object> metadata(String name, String namespace, Map<String, String> labels) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    if (namespace != null) {
      m.put("namespace", namespace);
    }
    if (!labels.isEmpty()) {
      m.put("labels", new LinkedHashMap<String, Object>(labels));
    }
    return m;
  }

  private static Map<String, Object> policy(NetworkPolicy p) {
    Map<String, Object> doc = header("networking.k8s.io/v1", "NetworkPolicy");
    doc.put("metadata", metadata(p.name(), p.namespace(), Map.of()));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("podSelector", selector(p.podSelector()));
    if (!p.policyTypes().isEmpty()) {
      spec.put("policyTypes", new ArrayList<Object>(p.policyTypes()));
    }
    if (!p.ingress().isEmpty()) {
      spec.put("ingress", rules(p.ingress(), "from"));
    }
    if (!p.egress().isEmpty()) {
      spec.put("egress", rules(p.egress(), "to"));
    }
    doc.put("spec", spec);
    return doc;
  }

  private static List<Object> rules(List<PolicyRule> rules, String peersKey) {
    List<Object> out = new ArrayList<>();
    for (PolicyRule r : rules) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (!r.peers().isEmpty()) {
        List<Object> peers = new ArrayList<>();
        for (Peer peer : r.peers()) {
          peers.add(peer(peer));
        }
        m.put(peersKey, peers);
      }
      if (!r.ports().isEmpty()) {
        List<Object> ports = new ArrayList<>();
        for (PolicyPort port : r.ports()) {
          ports.add(port(port));
        }
        m.put("ports", ports);
      }
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> peer(Peer peer) {
    Map<String, Object> m = new LinkedHashMap<>();
    peer.podSelector().ifPresent(s -> m.put("podSelector", selector(s)));
    peer.namespaceSelector().ifPresent(s -> m.put("namespaceSelector", selector(s)));
    peer.ipBlock().ifPresent(b -> m.put("ipBlock", ipBlock(b)));
    return m;
  }

  private static Map<String, Object> ipBlock(IpBlock b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cidr", b.cidr());
    if (!b.except().isEmpty()) {
      m.put("except", new ArrayList<Object>(b.except()));
    }
    return m;
  }

  private static Map<String, Object> port(PolicyPort port) {
    Map<String, Object> m = new LinkedHashMap<>();
    port.protocol().ifPresent(p -> m.put("protocol", p));
    port.port().ifPresent(v -> m.put("port", v.isNamed() ? v.name() : v.number()));
    port.endPort().ifPresent(e -> m.put("endPort", e));
    return m;
  }

  static Map<String, Object> selector(LabelSelector s) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!s.matchLabels().isEmpty()) {
      m.put("matchLabels", new LinkedHashMap<String, Object>(s.matchLabels()));
    }
    if (!s.matchExpressions().isEmpty()) {
      List<Object> exprs = new ArrayList<>();
      for (LabelSelectorRequirement r : s.matchExpressions()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("key", r.key());
        e.put("operator", r.operator());
        if (!r.values().isEmpty()) {
          e.put("values", new ArrayList<Object>(r.values()));
        }
        exprs.add(e);
      }
      m.put("matchExpressions", exprs);
    }
    return m;
  }

  private static Map<String, Object> namespace(Namespace n) {
    Map<String, Object> doc = header("v1", "Namespace");
    doc.put("metadata", metadata(n.name(), null, n.labels()));
    return doc;
  }

  private static Map<String, Object> node(Node n) {
    Map<String, Object> doc = header("v1", "Node");
    doc.put("metadata", metadata(n.name(), null, n.labels()));
    if (!n.podCidrs().isEmpty()) {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("podCIDR", n.podCidrs().get(0).toString());
      List<Object> cidrs = new ArrayList<>();
      for (Cidr c : n.podCidrs()) {
        cidrs.add(c.toString());
      }
      spec.put("podCIDRs", cidrs);
      doc.put("spec", spec);
    }
    if (!n.addresses().isEmpty()) {
      List<Object> addresses = new ArrayList<>();
      for (IpAddress a : n.addresses()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "InternalIP");
        m.put("address", a.toString());
        addresses.add(m);
      }
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("addresses", addresses);
      doc.put("status", status);
    }
    return doc;
  }

  private static Map<String, Object> pod(Pod p) {
    Map<String, Object> doc = header("v1", "Pod");
    doc.put("metadata", metadata(p.name(), p.namespace(), p.labels()));
    Map<String, Object> spec = new LinkedHashMap<>();
    if (p.nodeName() != null) {
      spec.put("nodeName", p.nodeName());
    }
    if (p.hostNetwork()) {
      spec.put("hostNetwork", Boolean.TRUE);
    }
    if (!p.serviceAccountName().equals(Pod.DEFAULT_SERVICE_ACCOUNT)) {
      spec.put("serviceAccountName", p.serviceAccountName());
    }
    spec.put("containers", List.of(container("main", p.ports())));
    if (!p.initPorts().isEmpty()) {
      spec.put("initContainers", List.of(container("init", p.initPorts())));
    }
    doc.put("spec", spec);
    Map<String, Object> status = new LinkedHashMap<>();
    if (p.phase() != null) {
      status.put("phase", p.phase());
    }
    if (!p.ips().isEmpty()) {
      status.put("podIP", p.ips().get(0).toString());
      List<Object> ips = new ArrayList<>();
      for (IpAddress ip : p.ips()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ip", ip.toString());
        ips.add(m);
      }
      status.put("podIPs", ips);
    }
    if (!status.isEmpty()) {
      doc.put("status", status);
    }
    return doc;
  }

  private static Map<String, Object> container(String name, List<ContainerPort> ports) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    if (!ports.isEmpty()) {
      List<Object> out = new ArrayList<>();
      for (ContainerPort cp : ports) {
        Map<String, Object> pm = new LinkedHashMap<>();
        if (cp.name() != null) {
          pm.put("name", cp.name());
        }
        pm.put("containerPort", cp.containerPort());
        if (cp.protocol() != Protocol.TCP) {
          pm.put("protocol", cp.protocol().name());
        }
        out.add(pm);
      }
      m.put("ports", out);
    }
    return m;
  }
}
