package dev.netpolc.model.cilium;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy as written, with every field's
 * position in {@link #source()} under its field path ({@code specs[1].egress[0].toPorts[0].ports[2]}).
 * A policy holds rules in {@code spec} (one rule) and/or {@code specs} (a list); Cilium's CRD
 * requires exactly one of the two, which validation checks (NP190), so both are kept as written.
 *
 * @param kind        namespaced or cluster-wide
 * @param namespace   {@code metadata.namespace} of a CiliumNetworkPolicy ("default" when none is
 *                    written); "" for the cluster-wide kind
 * @param name        {@code metadata.name}
 * @param labels      {@code metadata.labels}
 * @param spec        {@code spec}, at most one rule (empty when absent)
 * @param specs       {@code specs} as written (empty when absent or empty)
 * @param specsGiven  true when {@code specs} was written, even as an empty list
 * @param source      positions of every field
 * @param suppressedRules lint rule ids suppressed by a comment on the object
 */
public record CiliumPolicy(CiliumKind kind, String namespace, String name, Map<String, String> labels,
    List<CiliumRule> spec, List<CiliumRule> specs, boolean specsGiven, SourceMap source,
    Set<String> suppressedRules) {

  public CiliumPolicy {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = ImmutableSortedMap.copyOf(labels);
    spec = ImmutableList.copyOf(spec);
    if (spec.size() > 1) {
      throw new IllegalArgumentException("spec holds one rule");
    }
    specs = ImmutableList.copyOf(specs);
    Objects.requireNonNull(source, "source");
    suppressedRules = ImmutableSortedSet.copyOf(suppressedRules);
  }

  /** True for a CiliumClusterwideNetworkPolicy. */
  public boolean clusterwide() {
    return !kind.namespaced();
  }

  /** Every rule: {@code spec}'s, then {@code specs}' in order. Each rule applies on its own. */
  public List<CiliumRule> rules() {
    return ImmutableList.<CiliumRule>builder().addAll(spec).addAll(specs).build();
  }

  /** {@code CiliumNetworkPolicy/ns/name} or {@code CiliumClusterwideNetworkPolicy/name}: unique per cluster. */
  public String key() {
    return kind.kindName() + "/" + (clusterwide() ? "" : namespace + "/") + name;
  }

  /** Where the object starts. */
  public SourcePosition position() {
    return source.objectPosition();
  }

  /** Where the field at {@code path} (as the records' {@code path()} give it) was written. */
  public SourcePosition position(String path) {
    return source.find(path);
  }
}
