package dev.netpolc.backend.nftables;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Short, stable names derived from a hash of an identity (a group id) or of a content (a set's
 * elements): equal inputs give equal names in every compile, a change renames only what it
 * touches, and no input text ever becomes part of a name. Names use {@code [a-z0-9_]} and start
 * with a letter, so they are never nft keywords.
 */
final class NftNames {
  private NftNames() {}

  /** Hex digits of SHA-256 used by default: 48 bits, collisions unlikely below millions of keys. */
  static final int DEFAULT_DIGITS = 12;

  /** Key counts from which {@link #hashes} hashes in parallel. */
  private static final int PARALLEL_FROM = 4096;

  /**
   * The hash of each key, {@link #DEFAULT_DIGITS} hex digits long, or longer when two keys of
   * {@code keys} would collide (then every key of this kind gets the longer form, so the
   * result depends only on the key set).
   */
  static Map<String, String> hashes(Collection<String> keys) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
    // SHA-256 of 100,000 keys is a third of a second of one core: hashed on every core when large.
    IntStream indexes = IntStream.range(0, distinct.size());
    String[] full = (distinct.size() >= PARALLEL_FROM ? indexes.parallel() : indexes)
        .mapToObj(i -> hex(distinct.get(i))).toArray(String[]::new);
    for (int digits = DEFAULT_DIGITS; ; digits += 4) {
      Map<String, String> out = new LinkedHashMap<>(2 * distinct.size());
      Set<String> seen = new HashSet<>(2 * distinct.size());
      boolean unique = true;
      for (int i = 0; i < full.length; i++) {
        String h = full[i].substring(0, Math.min(digits, 64));
        unique &= seen.add(h);
        out.put(distinct.get(i), h);
      }
      if (unique || digits >= 64) {
        return out;
      }
    }
  }

  private static String hex(String key) {
    return Hashing.sha256().hashString(key, StandardCharsets.UTF_8).toString();
  }
}
