package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * NP107: the same kind and namespace/name defined twice across the inputs. The API server
 * would keep only the last one applied, so one of them silently disappears. Each later copy is
 * reported, with the first definition as related location.
 */
public final class DuplicateObjectCheck {
  /** The rule id. */
  public static final String ID = "NP107";

  private DuplicateObjectCheck() {}

  /** Every later definition of an object already defined: policies, then namespaces, then pods. */
  public static List<Diagnostic> check(Cluster cluster) {
    return ImmutableList.<Diagnostic>builder()
        .addAll(policyDuplicates(cluster.policies()).values())
        .addAll(inventoryDuplicates(cluster))
        .build();
  }

  /** Every later definition of a namespace or a pod, in input order. */
  public static List<Diagnostic> inventoryDuplicates(Cluster cluster) {
    ImmutableList.Builder<Diagnostic> out = ImmutableList.builder();
    Map<String, SourcePosition> seen = new HashMap<>();
    for (Namespace ns : cluster.namespaces()) {
      duplicate("Namespace", ns.name(), ns.position(), seen, out);
    }
    for (Pod pod : cluster.pods()) {
      duplicate("Pod", pod.key(), pod.position(), seen, out);
    }
    return out.build();
  }

  /** The finding about each later copy of a policy, keyed by the copy's index in {@code policies}. */
  public static SortedMap<Integer, Diagnostic> policyDuplicates(List<NetworkPolicy> policies) {
    SortedMap<Integer, Diagnostic> out = new TreeMap<>();
    Map<String, SourcePosition> seen = new HashMap<>();
    for (int i = 0; i < policies.size(); i++) {
      NetworkPolicy p = policies.get(i);
      ImmutableList.Builder<Diagnostic> one = ImmutableList.builder();
      duplicate("NetworkPolicy", p.key(), p.position(), seen, one);
      List<Diagnostic> found = one.build();
      if (!found.isEmpty()) {
        out.put(i, found.get(0));
      }
    }
    return out;
  }

  private static void duplicate(String kind, String key, SourcePosition at, Map<String, SourcePosition> seen,
      ImmutableList.Builder<Diagnostic> out) {
    SourcePosition first = seen.putIfAbsent(kind + " " + key, at);
    if (first != null) {
      out.add(new Diagnostic(ID, Severity.ERROR, at, "metadata.name",
          "metadata.name: " + kind + " " + key + " is defined twice; only one definition can exist in a cluster",
          List.of(new Diagnostic.Related(first, "first definition of " + kind + " " + key))));
    }
  }
}
