package dev.netpolc.backend;

import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.IpAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where a simulated artifact runs: the node (empty for a cluster-wide artifact) and the
 * addresses that node owns. A simulator uses the addresses to route a connection through the
 * right hooks (locally generated, locally delivered, or forwarded).
 *
 * <pre>{@code
 * ConnectionDecider d = backend.simulator(artifact, SimulationContext.of(graph));
 * }</pre>
 *
 * @param node          the node, or empty for a cluster-wide artifact
 * @param nodeAddresses the node's own addresses (its own and its hostNetwork pods'); empty when
 *                      cluster-wide, so every connection is simulated as forwarded
 */
public record SimulationContext(Optional<String> node, Set<IpAddress> nodeAddresses) {

  /** At most this many addresses per node, when expanding an address set. */
  private static final int MAX_NODE_ADDRESSES = 4096;

  public SimulationContext {
    Objects.requireNonNull(node, "node");
    nodeAddresses = ImmutableSortedSet.copyOf(nodeAddresses);
  }

  /** A cluster-wide artifact: no node, every connection forwarded. */
  public static SimulationContext clusterWide() {
    return new SimulationContext(Optional.empty(), Set.of());
  }

  /** The context a graph was compiled for: its node and that node's addresses. */
  public static SimulationContext of(RuleGraph graph) {
    if (graph.node().isEmpty()) {
      return clusterWide();
    }
    AddressSet own = graph.nodeAddresses().getOrDefault(graph.node().get(), AddressSet.EMPTY);
    ImmutableSortedSet.Builder<IpAddress> out = ImmutableSortedSet.naturalOrder();
    int n = 0;
    for (AddressRange r : own.ranges()) {
      // Node address sets hold single addresses; a cover may join neighbours into a range.
      for (IpAddress ip = r.first(); n < MAX_NODE_ADDRESSES; ip = ip.next().orElseThrow(), n++) {
        out.add(ip);
        if (ip.equals(r.last())) {
          break;
        }
      }
    }
    return new SimulationContext(graph.node(), out.build());
  }
}
