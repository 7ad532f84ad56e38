package dev.netpolc.e2e.kernel;

import dev.netpolc.compiler.gen.TieredClusterGen;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.PolicyWriter;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quicktheories.core.Gen;

/**
 * Random tiered clusters over {@link FixedTopologyGen}'s fixed kernel topology, as YAML: its
 * namespaces, eight dual-stack pods and NetworkPolicies, plus the two nodes as Node objects with
 * addresses of both families and one hostNetwork pod on each (so the node is an endpoint that
 * sends and receives), plus two to four cluster-scoped policies from
 * {@link TieredClusterGen#over}: ClusterNetworkPolicies of both tiers, v1alpha1
 * AdminNetworkPolicies and the BaselineAdminNetworkPolicy, Accept/Deny/Pass at overlapping
 * priorities, subjects and peers by namespace and pod selectors, {@code networks} peers that
 * cover some pod addresses, one node, both nodes or everything, {@code nodes} peers, named ports
 * and ranges around the probed ports 80 and 81, TCP, UDP and SCTP. The YAML is what
 * {@link PolicyWriter} writes, so a failing example prints as input {@code netpolc} reads.
 */
public final class TieredFixedTopologyGen {

  /** The nodes, in {@link FixedTopologyGen#NODES} order of first use. */
  public static final List<String> NODES = List.of("n1", "n2");
  /** IPv4 address of each node of {@link #NODES}: outside the pod block, as the topology requires. */
  public static final List<String> NODE_V4 = List.of("198.18.1.1", "198.18.1.2");
  /** IPv6 address of each node of {@link #NODES}. */
  public static final List<String> NODE_V6 = List.of("fd00:0:0:1::1", "fd00:0:0:1::2");

  /**
   * Every endpoint a probe uses: the pods of {@link FixedTopologyGen#PODS} and the nodes (the
   * endpoints of their hostNetwork pods).
   */
  public static final List<String> ENDPOINTS;

  static {
    List<String> all = new ArrayList<>(FixedTopologyGen.PODS);
    all.addAll(NODES);
    ENDPOINTS = List.copyOf(all);
  }

  /**
   * Peers and ports that hit this topology: networks covering pods .10–.15 (/28), pods .16–.17,
   * one node, both nodes, pods and nodes together (/23, fd00::/56), everything, and nothing
   * (203.0.113.0/24); port numbers whose ranges (start + 1..10) cover 80, 81, both or neither;
   * at least two cluster-scoped policies, so that every kernel example has tiers to enforce.
   */
  static final TieredClusterGen.Vocabulary VOCABULARY = new TieredClusterGen.Vocabulary(
      List.of("0.0.0.0/0", "198.18.0.0/28", "198.18.1.0/24", "::/0", "fd00::/120", "198.18.1.1/32",
          "fd00:0:0:1::2/128", "198.18.0.0/23", "fd00::/56", "198.18.0.16/29", "fd00::10/126", "203.0.113.0/24"),
      List.of(80, 81, 79, 8080), LabelSelector.ofLabels(Map.of("zone", "a")), 2);

  private TieredFixedTopologyGen() {}

  /** The generator; every choice shrinks towards the simplest (fewer and plainer policies). */
  public static Gen<String> clusters() {
    Gen<String> fixed = FixedTopologyGen.clusters();
    Gen<Cluster> base = in -> read(fixed.generate(in) + nodesAndHostPods());
    return TieredClusterGen.over(base, VOCABULARY).map(PolicyWriter::toYaml);
  }

  /** The Node objects (zone a, b) and a hostNetwork pod on each, at the node's addresses. */
  static String nodesAndHostPods() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < NODES.size(); i++) {
      String node = NODES.get(i);
      sb.append("apiVersion: v1\nkind: Node\nmetadata:\n  name: ").append(node).append("\n  labels: {zone: ")
          .append((char) ('a' + i)).append(", kubernetes.io/hostname: ").append(node).append("}\n")
          .append("status:\n  addresses:\n  - {type: InternalIP, address: ").append(NODE_V4.get(i))
          .append("}\n  - {type: InternalIP, address: \"").append(NODE_V6.get(i)).append("\"}\n---\n");
    }
    for (int i = 0; i < NODES.size(); i++) {
      sb.append("apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: kube-system\n  name: kube-proxy-")
          .append(NODES.get(i)).append("\n  labels: {app: web}\nspec:\n  nodeName: ").append(NODES.get(i))
          .append("\n  hostNetwork: true\n  containers:\n  - name: main\n    image: pause\n")
          .append("    ports: [{name: http, containerPort: 80, protocol: TCP}]\n")
          .append("status:\n  phase: Running\n  podIPs:\n  - ip: ").append(NODE_V4.get(i)).append("\n  - ip: \"")
          .append(NODE_V6.get(i)).append("\"\n---\n");
    }
    return sb.toString();
  }

  /** The inventory without policies, for the layout every example must share. */
  static String inventoryOnly() {
    return FixedTopologyGen.podsOnly() + nodesAndHostPods();
  }

  /** Reads generated YAML; a read error is a generator bug. */
  private static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString("generated.yaml", yaml);
    if (!r.errors().isEmpty()) {
      throw new IllegalStateException("generated YAML does not read: " + r.errors() + "\n" + yaml);
    }
    return r.cluster();
  }
}
