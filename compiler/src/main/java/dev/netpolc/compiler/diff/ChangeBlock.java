package dev.netpolc.compiler.diff;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;

/**
 * One readable group of changed connections: every pod of {@code sources} to every pod of
 * {@code destinations} (a pod and itself excepted: that traffic never changes) on every port of
 * {@code ports} changed the same way. Sources share one namespace, destinations share one.
 *
 * @param change                 which way the decision changed
 * @param sourceNamespace        the namespace of the sources
 * @param sourceDescription      the sources in words: {@code all pods}, a label set such as
 *                               {@code app=web} that selects exactly them in their namespace, or
 *                               their names
 * @param sources                the source pods ({@code namespace/name}), sorted
 * @param destinationNamespace   the namespace of the destinations
 * @param destinationDescription the destinations in words, as for the sources
 * @param destinations           the destination pods, sorted
 * @param ports                  the protocols and ports on which every pair changed
 */
public record ChangeBlock(Change change, String sourceNamespace, String sourceDescription, List<String> sources,
    String destinationNamespace, String destinationDescription, List<String> destinations, PortSpace ports) {

  public ChangeBlock {
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(sourceNamespace, "sourceNamespace");
    Objects.requireNonNull(sourceDescription, "sourceDescription");
    sources = ImmutableList.sortedCopyOf(sources);
    Objects.requireNonNull(destinationNamespace, "destinationNamespace");
    Objects.requireNonNull(destinationDescription, "destinationDescription");
    destinations = ImmutableList.sortedCopyOf(destinations);
    Objects.requireNonNull(ports, "ports");
  }

  /** The number of ordered pod pairs in the block (pairs of a pod with itself excluded). */
  public long pairCount() {
    java.util.Set<String> dests = new java.util.HashSet<>(destinations);
    long overlap = sources.stream().filter(dests::contains).count();
    return (long) sources.size() * destinations.size() - overlap;
  }
}
