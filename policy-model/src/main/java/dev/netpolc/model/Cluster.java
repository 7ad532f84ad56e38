package dev.netpolc.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inventory and the policies: everything the compiler and the evaluators read. Namespaces
 * that pods or policies use but that the input does not declare exist implicitly, with only
 * their {@code kubernetes.io/metadata.name} label, as they would on a real cluster.
 *
 * @param namespaces declared namespaces
 * @param pods       pods
 * @param nodes      nodes
 * @param policies   NetworkPolicies
 */
public record Cluster(List<Namespace> namespaces, List<Pod> pods, List<Node> nodes, List<NetworkPolicy> policies) {

  /** The empty cluster. */
  public static final Cluster EMPTY = new Cluster(List.of(), List.of(), List.of(), List.of());

  public Cluster {
    namespaces = ImmutableList.copyOf(namespaces);
    pods = ImmutableList.copyOf(pods);
    nodes = ImmutableList.copyOf(nodes);
    policies = ImmutableList.copyOf(policies);
  }

  /** Declared namespaces by name, plus implicit ones for every namespace a pod or policy names. */
  public Map<String, Namespace> namespacesByName() {
    Map<String, Namespace> out = new LinkedHashMap<>();
    for (Namespace ns : namespaces) {
      out.put(ns.name(), ns);
    }
    for (Pod p : pods) {
      out.computeIfAbsent(p.namespace(), n -> Namespace.of(n, Map.of()));
    }
    for (NetworkPolicy p : policies) {
      out.computeIfAbsent(p.namespace(), n -> Namespace.of(n, Map.of()));
    }
    return ImmutableMap.copyOf(out);
  }

  /** True when the input held any inventory (Namespace or Pod objects). */
  public boolean hasInventory() {
    return !namespaces.isEmpty() || !pods.isEmpty();
  }

  /** This cluster with other policies (same inventory). */
  public Cluster withPolicies(List<NetworkPolicy> newPolicies) {
    return new Cluster(namespaces, pods, nodes, newPolicies);
  }

  /** Both inputs together: inventory and policies concatenated. */
  public Cluster plus(Cluster other) {
    return new Cluster(
        ImmutableList.<Namespace>builder().addAll(namespaces).addAll(other.namespaces).build(),
        ImmutableList.<Pod>builder().addAll(pods).addAll(other.pods).build(),
        ImmutableList.<Node>builder().addAll(nodes).addAll(other.nodes).build(),
        ImmutableList.<NetworkPolicy>builder().addAll(policies).addAll(other.policies).build());
  }
}
