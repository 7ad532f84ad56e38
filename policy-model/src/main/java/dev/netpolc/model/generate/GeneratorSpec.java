package dev.netpolc.model.generate;

import java.util.Objects;

/**
 * Everything that determines a generated cluster: the same spec always gives the same cluster,
 * and {@link ClusterGenerator#writeYaml} the same bytes.
 *
 * @param shape         what the cluster looks like
 * @param seed          seed of every random choice (names, addresses, nodes, policy mix)
 * @param namespaces    number of namespaces
 * @param pods          number of pods
 * @param policies      number of NetworkPolicies
 * @param nodes         number of nodes, named {@code node-0} … {@code node-<n-1>}
 * @param focusNodePods when positive, exactly this many pods run on {@link ClusterGenerator#FOCUS_NODE}
 *                      (the node a node agent compiles for) and the rest on the other nodes; when 0,
 *                      every pod runs on a random node
 * @param dualStack     whether pods and nodes get an IPv6 address besides the IPv4 one
 */
public record GeneratorSpec(ClusterShape shape, long seed, int namespaces, int pods, int policies, int nodes,
    int focusNodePods, boolean dualStack) {

  /** Most pods a spec may ask for: addresses come from a /8 and must stay unique. */
  public static final int MAX_PODS = 10_000_000;
  /** Most nodes: node addresses come from a /16. */
  public static final int MAX_NODES = 65_000;
  /** Most namespaces or policies. */
  public static final int MAX_OBJECTS = 10_000_000;

  public GeneratorSpec {
    Objects.requireNonNull(shape, "shape");
    check(namespaces >= 1 && namespaces <= MAX_OBJECTS, "namespaces must be between 1 and " + MAX_OBJECTS);
    check(pods >= 0 && pods <= MAX_PODS, "pods must be between 0 and " + MAX_PODS);
    check(policies >= 0 && policies <= MAX_OBJECTS, "policies must be between 0 and " + MAX_OBJECTS);
    check(nodes >= 1 && nodes <= MAX_NODES, "nodes must be between 1 and " + MAX_NODES);
    check(focusNodePods >= 0 && focusNodePods <= pods, "pods on the focus node must be between 0 and pods");
    check(focusNodePods == 0 || nodes >= 2 || focusNodePods == pods,
        "pods on the focus node need another node for the other pods");
    switch (shape) {
      case ANTREA_SMALL_NAMESPACES:
        check(pods == 4 * namespaces && policies == 3 * namespaces,
            "shape " + shape + " needs pods = 4 x namespaces and policies = 3 x namespaces");
        break;
      case ANTREA_ONE_NAMESPACE:
        check(namespaces == 1, "shape " + shape + " needs exactly 1 namespace");
        break;
      case ANTREA_CLUSTER_SCOPED:
        check(pods == 100 * namespaces && policies == 10 * namespaces,
            "shape " + shape + " needs pods = 100 x namespaces and policies = 10 x namespaces");
        break;
      default:
        break;
    }
  }

  /** A realistic cluster with pods spread over random nodes, dual-stack. */
  public static GeneratorSpec realistic(long seed, int namespaces, int pods, int policies, int nodes) {
    return new GeneratorSpec(ClusterShape.REALISTIC, seed, namespaces, pods, policies, nodes, 0, true);
  }

  /** This spec with another seed. */
  public GeneratorSpec withSeed(long newSeed) {
    return new GeneratorSpec(shape, newSeed, namespaces, pods, policies, nodes, focusNodePods, dualStack);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
