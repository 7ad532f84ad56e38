package dev.netpolc.backend.iptables;

import com.google.common.hash.Hashing;
import dev.netpolc.backend.BackendException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Short, stable names derived from a hash of an identity (a group id, a node name, a peer set's
 * role): equal inputs give equal names in every compile, a change renames only what it touches,
 * and no input text ever becomes part of a name. Hashes are upper-case hex so names
 * stay within {@code [A-Z0-9-]}, which is safe in restore files and shell words alike.
 */
final class IptNames {
  private IptNames() {}

  /** Hex digits used by default: 48 bits, collisions unlikely below millions of keys. */
  static final int DEFAULT_DIGITS = 12;
  /** The most digits a name can hold within the 28-character chain name limit. */
  static final int MAX_DIGITS = 15;

  /**
   * The hash of each key, {@link #DEFAULT_DIGITS} hex digits long, or longer when two keys would
   * collide (then every key gets the longer form, so the result depends only on the key set).
   *
   * @throws BackendException when even {@link #MAX_DIGITS} digits collide
   */
  static Map<String, String> hashes(Collection<String> keys) throws BackendException {
    for (int digits = DEFAULT_DIGITS; digits <= MAX_DIGITS; digits++) {
      Map<String, String> out = new LinkedHashMap<>();
      Set<String> seen = new HashSet<>();
      boolean unique = true;
      for (String k : keys) {
        String h = hex(k).substring(0, digits);
        if (!out.containsKey(k)) {
          unique &= seen.add(h);
          out.put(k, h);
        }
      }
      if (unique) {
        return out;
      }
    }
    throw new BackendException("iptables: " + MAX_DIGITS + "-digit name hashes collide; rename a pod or policy");
  }

  private static String hex(String key) {
    return Hashing.sha256().hashString(key, StandardCharsets.UTF_8).toString().toUpperCase(java.util.Locale.ROOT);
  }
}
