package dev.netpolc.compiler.ir;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A local pod the rules protect.
 *
 * @param pod  {@code namespace/name}
 * @param ips  its addresses (sorted, IPv4 first)
 * @param node the node it runs on, empty when unscheduled
 */
public record Endpoint(String pod, List<IpAddress> ips, Optional<String> node) implements Comparable<Endpoint> {
  public Endpoint {
    Objects.requireNonNull(pod, "pod");
    ips = ImmutableList.sortedCopyOf(ips);
    Objects.requireNonNull(node, "node");
  }

  @Override
  public int compareTo(Endpoint o) {
    return pod.compareTo(o.pod);
  }
}
