package dev.netpolc.model.npa;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.LabelSelector;
import java.util.List;
import java.util.Optional;

/**
 * One entry of a rule's {@code from} / {@code to}, as written: exactly one field is valid
 * ({@code nodes}, {@code networks} and {@code domainNames} only in egress peers).
 *
 * @param namespaces  every pod in the matching namespaces
 * @param pods        the matching pods in the matching namespaces
 * @param nodes       the InternalIP and ExternalIP addresses of the matching nodes
 * @param networks    CIDRs, as written
 * @param domainNames domain names, as written
 */
public record ClusterPolicyPeer(Optional<LabelSelector> namespaces, Optional<NamespacedPods> pods,
    Optional<LabelSelector> nodes, Optional<List<String>> networks, Optional<List<String>> domainNames) {

  public ClusterPolicyPeer {
    networks = networks.map(ImmutableList::copyOf);
    domainNames = domainNames.map(ImmutableList::copyOf);
  }

  /** A {@code namespaces} peer. */
  public static ClusterPolicyPeer namespaces(LabelSelector s) {
    return new ClusterPolicyPeer(Optional.of(s), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  /** A {@code pods} peer. */
  public static ClusterPolicyPeer pods(LabelSelector namespaceSelector, LabelSelector podSelector) {
    return new ClusterPolicyPeer(Optional.empty(), Optional.of(new NamespacedPods(namespaceSelector, podSelector)),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** A {@code nodes} peer. */
  public static ClusterPolicyPeer nodes(LabelSelector s) {
    return new ClusterPolicyPeer(Optional.empty(), Optional.empty(), Optional.of(s), Optional.empty(),
        Optional.empty());
  }

  /** A {@code networks} peer. */
  public static ClusterPolicyPeer networks(List<String> cidrs) {
    return new ClusterPolicyPeer(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(cidrs),
        Optional.empty());
  }

  /** A {@code domainNames} peer. */
  public static ClusterPolicyPeer domainNames(List<String> names) {
    return new ClusterPolicyPeer(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(names));
  }

  /** How many of the fields are set (1 when valid). */
  public int fieldCount() {
    return (namespaces.isPresent() ? 1 : 0) + (pods.isPresent() ? 1 : 0) + (nodes.isPresent() ? 1 : 0)
        + (networks.isPresent() ? 1 : 0) + (domainNames.isPresent() ? 1 : 0);
  }
}
