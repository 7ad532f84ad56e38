package dev.netpolc.compiler.matrix;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.model.Protocol;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Which pods a new connection from each pod reaches on one port and protocol, or with one ICMP
 * message: the
 * {@code allowed} of a conformance probe and the output of {@code netpolc matrix}.
 *
 * <p>Square for a whole cluster or {@code --namespace} (the sources are the destinations);
 * rectangular for {@code --from}/{@code --to}, where the sources and the destinations are
 * different sets of pods.
 *
 * @param port         the probed port (a number, or a name resolved on each destination); null
 *                     for an ICMP probe
 * @param protocol     the probed protocol; null for an ICMP probe
 * @param allowed      {@code ns/pod} of every source → sorted {@code ns/pod} of the destinations it
 *                     reaches; every source is a key
 * @param destinations every destination of the matrix (its columns), sorted; each reached pod is one
 * @param icmp         the probed ICMP message; null for a port probe
 */
public record ReachabilityMatrix(PortSpec port, Protocol protocol, SortedMap<String, List<String>> allowed,
    List<String> destinations, IcmpMessage icmp) {
  public ReachabilityMatrix {
    // The probe's constructor checks that it is exactly a port probe or an ICMP one.
    new Probe(port, protocol, icmp);
    ImmutableSortedMap.Builder<String, List<String>> b = ImmutableSortedMap.naturalOrder();
    for (Map.Entry<String, List<String>> e : allowed.entrySet()) {
      b.put(e.getKey(), ImmutableList.copyOf(new TreeSet<>(e.getValue())));
    }
    allowed = b.build();
    destinations = ImmutableList.copyOf(new TreeSet<>(destinations));
  }

  /** A port probe's matrix. */
  public ReachabilityMatrix(PortSpec port, Protocol protocol, SortedMap<String, List<String>> allowed,
      List<String> destinations) {
    this(port, protocol, allowed, destinations, null);
  }

  /** The matrix of any probe. */
  public ReachabilityMatrix(Probe probe, SortedMap<String, List<String>> allowed, List<String> destinations) {
    this(probe.port(), probe.protocol(), allowed, destinations, probe.icmp());
  }

  /** The probe this matrix answers. */
  public Probe probe() {
    return new Probe(port, protocol, icmp);
  }

  /** A square matrix: the destinations are the sources (the keys of {@code allowed}). */
  public ReachabilityMatrix(PortSpec port, Protocol protocol, SortedMap<String, List<String>> allowed) {
    this(port, protocol, allowed, List.copyOf(allowed.keySet()));
  }

  /** Every source of the matrix (its rows), sorted. */
  public List<String> sources() {
    return ImmutableList.copyOf(allowed.keySet());
  }

  /** True when the sources are the destinations, as for a whole cluster or {@code --namespace}. */
  public boolean isSquare() {
    return allowed.keySet().equals(new TreeSet<>(destinations));
  }

  /** Every pod of the matrix, source or destination, sorted; for a square matrix, the sources. */
  public List<String> pods() {
    TreeSet<String> all = new TreeSet<>(allowed.keySet());
    all.addAll(destinations);
    return ImmutableList.copyOf(all);
  }

  /** True when {@code from} reaches {@code to}. */
  public boolean reaches(String from, String to) {
    List<String> targets = allowed.get(from);
    // Sorted by the constructor: a search, not a scan, so a grid costs cells × log, not cells².
    return targets != null && Collections.binarySearch(targets, to) >= 0;
  }

  /** The number of allowed (source, destination) pairs, self pairs included. */
  public int allowedPairs() {
    return allowed.values().stream().mapToInt(Collection::size).sum();
  }

  /** The number of (source, destination) pairs, self pairs included: the cells of the matrix. */
  public long cells() {
    return (long) allowed.size() * destinations.size();
  }
}
