package dev.netpolc.model.calico;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.netpolc.model.SourceMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Calico {@code NetworkSet} (namespaced) or {@code GlobalNetworkSet}: a labelled list of
 * CIDRs. Rule selectors (never policy selectors) match it by its labels, and then its
 * {@code nets} are the matched addresses.
 *
 * @param namespace {@code metadata.namespace} of a NetworkSet; "" for a GlobalNetworkSet
 * @param name      {@code metadata.name}
 * @param labels    {@code metadata.labels}
 * @param nets      {@code spec.nets} as written
 * @param global    true for a GlobalNetworkSet
 * @param source    positions of every field
 */
public record CalicoNetworkSet(String namespace, String name, Map<String, String> labels, List<String> nets,
    boolean global, SourceMap source) {
  public CalicoNetworkSet {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = ImmutableMap.copyOf(labels);
    nets = ImmutableList.copyOf(nets);
    Objects.requireNonNull(source, "source");
  }

  /** {@code nets} as CIDRs: an address is its host CIDR, host bits are masked (Calico accepts both). */
  public List<dev.netpolc.model.Cidr> cidrs() {
    return EntityRule.cidrs(nets);
  }

  /** {@code NetworkSet/ns/name} or {@code GlobalNetworkSet/name}. */
  public String key() {
    return global ? "GlobalNetworkSet/" + name : "NetworkSet/" + namespace + "/" + name;
  }
}
