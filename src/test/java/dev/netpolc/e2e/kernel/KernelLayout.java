package dev.netpolc.e2e.kernel;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a cluster's active pods become a kernel {@link Topology} with exactly the cluster's
 * addresses, so that rules compiled from the cluster (ipBlocks included) apply unchanged.
 *
 * <ul>
 *   <li>Nodes: the {@code nodeName}s of the active pods; a cluster whose pods have none runs on one
 *       node, {@value #SINGLE_NODE}, with a cluster-wide ruleset ({@link #clusterWide()}).</li>
 *   <li>Every node shares the pod blocks {@code 198.18.0.0/24} and {@code fd00::/64} (the
 *       conformance cases put the pods of two nodes in one /24).</li>
 *   <li>An ordinary pod is a pod namespace at its IPs. The harness needs both families, so a
 *       single-stack pod gets a filler address of the other family that the cluster does not know
 *       and no probe uses: the address the conformance loader would have given it
 *       ({@code 198.18.0.0+10+i}, {@code fd00::+10+i}) when free, which lets single-stack and
 *       dual-stack cases share one topology.</li>
 *   <li>A hostNetwork pod is its node: the node's own address is the pod's IP.</li>
 * </ul>
 *
 * <p>Layouts are values: two clusters with equal layouts can run on the same topology, one after
 * the other, by only replacing the rules.
 *
 * @param nodes         node names, in order of first use
 * @param pods          the ordinary pods, sorted by key
 * @param nodeAddresses node → its own addresses (v4, v6) where a hostNetwork pod sits on it
 * @param clusterWide   true when the pods have no nodes: compile once for the whole cluster
 */
public record KernelLayout(List<String> nodes, List<LayoutPod> pods, Map<String, List<IpAddress>> nodeAddresses,
    boolean clusterWide) {

  /** The node of a cluster whose pods have no {@code nodeName}. */
  public static final String SINGLE_NODE = "node0";
  /** The pod block every node shares, IPv4. */
  public static final Cidr BLOCK_V4 = Cidr.of("198.18.0.0/24");
  /** The pod block every node shares, IPv6. */
  public static final Cidr BLOCK_V6 = Cidr.of("fd00::/64");

  private static final IpAddress V4_BASE = IpAddress.parse("198.18.0.0");
  private static final IpAddress V6_BASE = IpAddress.parse("fd00::");
  /** Filler node addresses, outside the pod blocks and the harness's fabric. */
  private static final IpAddress NODE_FILLER_V4 = IpAddress.parse("198.18.200.0");
  private static final IpAddress NODE_FILLER_V6 = IpAddress.parse("fd00:200::");

  /**
   * One ordinary pod in the kernel.
   *
   * @param key  {@code namespace/name}
   * @param node its node
   * @param ipv4 its kernel IPv4 address (the cluster's, or a filler)
   * @param ipv6 its kernel IPv6 address (the cluster's, or a filler)
   */
  public record LayoutPod(String key, String node, IpAddress ipv4, IpAddress ipv6) {}

  /** Copies the collections. */
  public KernelLayout {
    nodes = ImmutableList.copyOf(nodes);
    pods = ImmutableList.copyOf(pods);
    nodeAddresses = ImmutableMap.copyOf(nodeAddresses);
  }

  /**
   * The layout of {@code cluster}'s active pods; throws {@link IllegalArgumentException} when the
   * cluster cannot be laid out (addresses outside the shared blocks, pods with and without nodes,
   * two hostNetwork pods of one node with different IPs, two pods sharing an address).
   */
  public static KernelLayout of(Cluster cluster) {
    List<Pod> active = activePods(cluster);
    Set<IpAddress> known = new HashSet<>();
    cluster.pods().forEach(p -> known.addAll(p.ips()));
    cluster.nodes().forEach(n -> known.addAll(n.addresses()));
    long withNode = active.stream().filter(p -> p.nodeName() != null).count();
    if (withNode != 0 && withNode != active.size()) {
      throw new IllegalArgumentException("some active pods have a nodeName and some do not");
    }
    boolean clusterWide = withNode == 0;
    List<String> nodes = new ArrayList<>();
    if (clusterWide) {
      nodes.add(SINGLE_NODE);
    }
    List<LayoutPod> pods = new ArrayList<>();
    Map<String, List<IpAddress>> nodeAddresses = new TreeMap<>();
    Set<IpAddress> taken = new HashSet<>();
    for (int i = 0; i < active.size(); i++) {
      Pod p = active.get(i);
      String node = clusterWide ? SINGLE_NODE : p.nodeName();
      if (!nodes.contains(node)) {
        nodes.add(node);
      }
      Optional<IpAddress> v4 = first(p, false);
      Optional<IpAddress> v6 = first(p, true);
      if (p.hostNetwork()) {
        if (clusterWide) {
          throw new IllegalArgumentException("hostNetwork pod " + p.key() + " has no nodeName");
        }
        int n = nodes.indexOf(node) + 1;
        List<IpAddress> own = List.of(v4.orElse(NODE_FILLER_V4.plus(n).orElseThrow()),
            v6.orElse(NODE_FILLER_V6.plus(n).orElseThrow()));
        List<IpAddress> before = nodeAddresses.putIfAbsent(node, own);
        if (before != null && !before.equals(own)) {
          throw new IllegalArgumentException("hostNetwork pods on node " + node + " have different IPs");
        }
        continue;
      }
      IpAddress a4 = v4.orElseGet(() -> filler(V4_BASE, 10 + pods.size(), known, taken));
      IpAddress a6 = v6.orElseGet(() -> filler(V6_BASE, 10 + pods.size(), known, taken));
      for (IpAddress a : List.of(a4, a6)) {
        Cidr block = a.v6() ? BLOCK_V6 : BLOCK_V4;
        if (!block.contains(a) || a.compareTo(block.address().plus(2).orElseThrow()) < 0
            || (!a.v6() && a.equals(block.last()))) {
          throw new IllegalArgumentException("pod " + p.key() + " address " + a + " is not a usable host of " + block);
        }
        if (!taken.add(a)) {
          throw new IllegalArgumentException("address " + a + " of pod " + p.key() + " is used twice");
        }
      }
      pods.add(new LayoutPod(p.key(), node, a4, a6));
    }
    return new KernelLayout(nodes, pods, nodeAddresses, clusterWide);
  }

  /** The active pods, sorted by key, the first of a repeated key winning (as the matrix does). */
  public static List<Pod> activePods(Cluster cluster) {
    TreeMap<String, Pod> byKey = new TreeMap<>();
    for (Pod p : cluster.pods()) {
      if (p.isActive()) {
        byKey.putIfAbsent(p.key(), p);
      }
    }
    return ImmutableList.copyOf(byKey.values());
  }

  /** The endpoint name a probe uses for {@code pod}: its key, or its node's name for a hostNetwork pod. */
  public String endpoint(Pod pod) {
    return pod.hostNetwork() ? (clusterWide ? SINGLE_NODE : pod.nodeName()) : pod.key();
  }

  /** The node each of the cluster's addresses lives on: pods' IPs and hostNetwork pods' (node) IPs. */
  public Map<IpAddress, String> nodeByAddress(Cluster cluster) {
    Map<IpAddress, String> out = new LinkedHashMap<>();
    for (Pod p : activePods(cluster)) {
      for (IpAddress ip : p.ips()) {
        out.putIfAbsent(ip, clusterWide ? SINGLE_NODE : p.nodeName());
      }
    }
    for (Node n : cluster.nodes()) {
      if (nodes.contains(n.name())) {
        n.addresses().forEach(ip -> out.putIfAbsent(ip, n.name()));
      }
    }
    return out;
  }

  /** Builds the topology in {@code mode}: every namespace, wired, addressed as laid out. */
  public Topology build(Topology.Mode mode) {
    Topology.Builder b = Topology.builder().mode(mode);
    for (String n : nodes) {
      b.node(n, BLOCK_V4.toString(), BLOCK_V6.toString());
    }
    nodeAddresses.forEach((n, a) -> b.nodeAddress(n, a.get(0).toString(), a.get(1).toString()));
    for (LayoutPod p : pods) {
      b.pod(p.key(), p.node(), p.ipv4().toString(), p.ipv6().toString());
    }
    return b.build();
  }

  /** A short description for logs: nodes, pod count, node addresses. */
  public String describe() {
    return "nodes " + nodes + ", " + pods.size() + " pods" + (nodeAddresses.isEmpty() ? "" : ", node addresses "
        + nodeAddresses) + (clusterWide ? ", cluster-wide rules" : ", per-node rules");
  }

  private static Optional<IpAddress> first(Pod p, boolean v6) {
    return p.ips().stream().filter(ip -> ip.v6() == v6).findFirst();
  }

  /** {@code base + offset}, or the next address up that the cluster does not use. */
  private static IpAddress filler(IpAddress base, int offset, Set<IpAddress> known, Set<IpAddress> taken) {
    IpAddress a = base.plus(offset).orElseThrow();
    if (!known.contains(a) && !taken.contains(a)) {
      return a;
    }
    a = base.plus(200).orElseThrow();
    while (known.contains(a) || taken.contains(a)) {
      a = a.next().orElseThrow();
    }
    return a;
  }
}
