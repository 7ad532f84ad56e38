package dev.netpolc.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cluster node.
 *
 * @param name      its name
 * @param labels    its labels
 * @param addresses its InternalIP and ExternalIP addresses
 * @param podCidrs  {@code spec.podCIDRs} (or {@code spec.podCIDR})
 * @param position  where the object was read
 */
public record Node(String name, Map<String, String> labels, List<IpAddress> addresses, List<Cidr> podCidrs,
    SourcePosition position) {
  public Node {
    Objects.requireNonNull(name, "name");
    labels = ImmutableSortedMap.copyOf(labels);
    addresses = ImmutableList.copyOf(addresses);
    podCidrs = ImmutableList.copyOf(podCidrs);
    Objects.requireNonNull(position, "position");
  }
}
