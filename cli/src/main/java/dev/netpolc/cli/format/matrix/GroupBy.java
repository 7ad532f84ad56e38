package dev.netpolc.cli.format.matrix;

/** What one node of a reachability graph stands for ({@code --group-by}). */
public enum GroupBy {
  /** One node per namespace: an edge counts the pod pairs between two namespaces. */
  namespace,
  /** One node per pod: an edge is one allowed pair. */
  pod;

  /** The group of the pod {@code ns/name} under this grouping. */
  public String groupOf(String podKey) {
    return this == namespace ? PodKeys.namespaceOf(podKey) : podKey;
  }
}
