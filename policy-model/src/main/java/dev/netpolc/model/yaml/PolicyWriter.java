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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes model objects as Kubernetes YAML: deterministic (the same object always gives the same
 * bytes), readable (kubectl's layout and field order), and faithful: {@link PolicyReader} reads
 * the output back to an equal object (source positions aside). Absent fields are left out;
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

  /** A multi-document stream: namespaces, nodes, pods, then policies, each document opened by {@code ---}. */
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
    return sb.toString();
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

  private static Map<String, Object> metadata(String name, String namespace, Map<String, String> labels) {
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

  private static Map<String, Object> selector(LabelSelector s) {
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
