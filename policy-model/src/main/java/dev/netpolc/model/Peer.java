package dev.netpolc.model;

import java.util.Optional;

/**
 * One entry of {@code from}/{@code to}. Absent selectors are empty optionals, which differ from
 * the empty selector {@code {}}: see SEMANTICS.md.
 *
 * @param podSelector       pods in the policy's namespace (or in the selected namespaces)
 * @param namespaceSelector namespaces whose pods are peers
 * @param ipBlock           an address block; valid only alone
 */
public record Peer(Optional<LabelSelector> podSelector, Optional<LabelSelector> namespaceSelector,
    Optional<IpBlock> ipBlock) {

  /** A pod-selector peer. */
  public static Peer pods(LabelSelector selector) {
    return new Peer(Optional.of(selector), Optional.empty(), Optional.empty());
  }

  /** A namespace-selector peer. */
  public static Peer namespaces(LabelSelector selector) {
    return new Peer(Optional.empty(), Optional.of(selector), Optional.empty());
  }

  /** An ipBlock peer. */
  public static Peer ipBlock(IpBlock block) {
    return new Peer(Optional.empty(), Optional.empty(), Optional.of(block));
  }
}
