package dev.netpolc.compiler.convert;

import java.util.Objects;

/**
 * Where a converted object or a refusal comes from: one source policy, and the rule when one
 * rule is meant.
 *
 * @param kind      the source's {@code kind} as written ({@code AdminNetworkPolicy}, ...)
 * @param namespace its namespace, "" for a cluster-scoped object
 * @param name      its name
 * @param rule      the rule's field path ({@code spec.egress[2]}), "" for the whole policy
 */
public record Provenance(String kind, String namespace, String name, String rule) {
  public Provenance {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rule, "rule");
  }

  /** A whole policy. */
  public static Provenance of(String kind, String namespace, String name) {
    return new Provenance(kind, namespace, name, "");
  }

  /** One rule of this policy. */
  public Provenance rule(String path) {
    return new Provenance(kind, namespace, name, path);
  }

  /** {@code kind/namespace/name} ({@code kind/name} when cluster-scoped), then {@code rule PATH}. */
  @Override
  public String toString() {
    String object = namespace.isEmpty() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
    return rule.isEmpty() ? object : object + " rule " + rule;
  }
}
