package dev.netpolc.backend.nftables;

import java.util.Collection;
import java.util.Map;

/**
 * The hashes of the last role-key and group-id collections seen, by identity: a session hands
 * the same instances to every incremental update until it recompiles, so a pod event does not
 * rehash every name of the graph. A pure memo: thread-safe, and the answer never depends on it.
 */
final class NameCache {
  private record Entry(Collection<String> keys, Map<String, String> hashes) {}

  private volatile Entry roles = new Entry(null, Map.of());
  private volatile Entry groups = new Entry(null, Map.of());

  Map<String, String> roles(Collection<String> keys) {
    Entry e = roles;
    if (e.keys() != keys) {
      e = new Entry(keys, NftNames.hashes(keys));
      roles = e;
    }
    return e.hashes();
  }

  Map<String, String> groups(Collection<String> ids) {
    Entry e = groups;
    if (e.keys() != ids) {
      e = new Entry(ids, NftNames.hashes(ids));
      groups = e;
    }
    return e.hashes();
  }
}
