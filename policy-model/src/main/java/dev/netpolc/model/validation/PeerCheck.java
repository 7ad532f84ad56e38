package dev.netpolc.model.validation;

import dev.netpolc.model.Peer;

/**
 * NP102 and NP103: one {@code from}/{@code to} entry (ValidateNetworkPolicyPeer). A peer needs
 * at least one field, and an ipBlock stands alone; the selectors and the block inside are
 * validated too.
 */
public final class PeerCheck {
  /** The rule id of an ipBlock combined with a selector. */
  public static final String IP_BLOCK_WITH_SELECTOR_ID = "NP102";
  /** The rule id of an empty peer. */
  public static final String EMPTY_PEER_ID = "NP103";

  private PeerCheck() {}

  /** Validates the peer found at {@code path}. */
  public static void check(Peer peer, String path, ValidationOptions options, Findings out) {
    int fields = 0;
    if (peer.podSelector().isPresent()) {
      fields++;
      LabelSelectorCheck.check(peer.podSelector().get(), path + ".podSelector", out);
    }
    if (peer.namespaceSelector().isPresent()) {
      fields++;
      LabelSelectorCheck.check(peer.namespaceSelector().get(), path + ".namespaceSelector", out);
    }
    if (peer.ipBlock().isPresent()) {
      fields++;
      IpBlockCheck.check(peer.ipBlock().get(), path + ".ipBlock", options, out);
    }
    if (fields == 0) {
      out.error(EMPTY_PEER_ID, path, "must specify a peer (podSelector, namespaceSelector or ipBlock); "
          + "to allow every peer, leave out the whole list");
    } else if (fields > 1 && peer.ipBlock().isPresent()) {
      out.error(IP_BLOCK_WITH_SELECTOR_ID, path, "may not specify both ipBlock and another peer; "
          + "write them as separate list items");
    }
  }
}
