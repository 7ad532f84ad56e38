package dev.netpolc.compiler.matrix;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.model.Protocol;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Which pods a new connection from each pod reaches on one port and protocol: the
 * {@code allowed} of a conformance probe and the output of {@code netpolc matrix}.
 *
 * @param port     the probed port (a number, or a name resolved on each destination)
 * @param protocol the probed protocol
 * @param allowed  {@code ns/pod} of every source → sorted {@code ns/pod} of the destinations it
 *                 reaches; every pod is a key
 */
public record ReachabilityMatrix(PortSpec port, Protocol protocol, SortedMap<String, List<String>> allowed) {
  public ReachabilityMatrix {
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(protocol, "protocol");
    ImmutableSortedMap.Builder<String, List<String>> b = ImmutableSortedMap.naturalOrder();
    for (Map.Entry<String, List<String>> e : allowed.entrySet()) {
      b.put(e.getKey(), ImmutableList.copyOf(new TreeSet<>(e.getValue())));
    }
    allowed = b.build();
  }

  /** Every pod of the matrix, sorted. */
  public List<String> pods() {
    return ImmutableList.copyOf(allowed.keySet());
  }

  /** True when {@code from} reaches {@code to}. */
  public boolean reaches(String from, String to) {
    List<String> targets = allowed.get(from);
    return targets != null && targets.contains(to);
  }

  /** The number of allowed (source, destination) pairs, self pairs included. */
  public int allowedPairs() {
    return allowed.values().stream().mapToInt(List::size).sum();
  }
}
