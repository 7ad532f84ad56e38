package dev.netpolc.backend.ebpf;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The lookup of a kernel LPM trie: of the entries whose first {@code prefixlen} data bits equal
 * the looked-up data's, the one with the longest prefix; data bits past an entry's prefix are
 * ignored, and the lookup key's own prefix length bounds the match.
 *
 * @param <V> the value type
 */
final class LpmTable<V> {
  private final Map<Integer, Map<ByteBuffer, V>> byLength = new HashMap<>();
  private final TreeSet<Integer> lengths = new TreeSet<>();

  /** Adds an entry: {@code data}'s bits past {@code prefixLength} must be zero. */
  void put(int prefixLength, byte[] data, V value) {
    byLength.computeIfAbsent(prefixLength, k -> new HashMap<>()).put(ByteBuffer.wrap(mask(data, prefixLength)), value);
    lengths.add(prefixLength);
  }

  /** The value of the longest entry matching the first {@code prefixLength} bits of {@code data}. */
  Optional<V> lookup(int prefixLength, byte[] data) {
    for (int len : lengths.headSet(prefixLength, true).descendingSet()) {
      V v = byLength.get(len).get(ByteBuffer.wrap(mask(data, len)));
      if (v != null) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  private static byte[] mask(byte[] data, int bits) {
    byte[] out = data.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      out[i] &= (byte) (0xFF00 >>> keep);
    }
    return out;
  }
}
