package dev.netpolc.backend.nftables;

import java.util.Collection;
import java.util.Map;

/**
 * The hashes of the last group-id collection seen, by identity: a session hands the same
 * instance to every incremental update until it recompiles, so a pod event does not rehash every
 * name of the graph (peer-set names come from {@link LayoutCache}). A pure memo: thread-safe, and the answer never depends on it.
 */
final class NameCache {
  private record Entry(Collection<String> keys, Map<String, String> hashes) {}

  private volatile Entry groups = new Entry(null, Map.of());

  Map<String, String> groups(Collection<String> ids) {
    Entry e = groups;
    if (e.keys() != ids) {
      e = new Entry(ids, NftNames.hashes(ids));
      groups = e;
    }
    return e.hashes();
  }
}
