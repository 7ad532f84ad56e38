package dev.netpolc.backend.nftables;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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

  /**
   * The hash of each key, {@link #DEFAULT_DIGITS} hex digits long, or longer when two keys of
   * {@code keys} would collide (then every key of this kind gets the longer form, so the
   * result depends only on the key set).
   */
  static Map<String, String> hashes(Collection<String> keys) {
    for (int digits = DEFAULT_DIGITS; ; digits += 4) {
      Map<String, String> out = new LinkedHashMap<>();
      Set<String> seen = new HashSet<>();
      boolean unique = true;
      for (String k : keys) {
        String h = hex(k).substring(0, Math.min(digits, 64));
        if (!out.containsKey(k)) {
          unique &= seen.add(h);
          out.put(k, h);
        }
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
