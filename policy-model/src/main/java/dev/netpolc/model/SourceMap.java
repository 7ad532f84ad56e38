package dev.netpolc.model;

import com.google.common.collect.ImmutableMap;
import java.util.Map;

/**
 * The source position of every field of one object, keyed by field path in the form the API
 * server uses in its errors ({@code spec.ingress[0].from[1].ipBlock.except[0]}). A lookup of a
 * path that was not written (a defaulted field) falls back to the nearest written parent, so
 * a finding always has a position.
 */
public final class SourceMap {
  /** A map that knows no positions; every lookup answers the fallback. */
  public static final SourceMap EMPTY = new SourceMap(ImmutableMap.of(), SourcePosition.UNKNOWN);

  private final ImmutableMap<String, SourcePosition> positions;
  private final SourcePosition fallback;

  /**
   * @param positions field path to the position of its value (or key, for maps)
   * @param fallback  the position of the whole object
   */
  public SourceMap(Map<String, SourcePosition> positions, SourcePosition fallback) {
    this.positions = ImmutableMap.copyOf(positions);
    this.fallback = fallback;
  }

  /** The position of {@code path}, or of its nearest recorded ancestor, or the object's. */
  public SourcePosition find(String path) {
    String p = path;
    while (!p.isEmpty()) {
      SourcePosition found = positions.get(p);
      if (found != null) {
        return found;
      }
      p = parent(p);
    }
    return fallback;
  }

  /** True when the input wrote {@code path} itself (it was not defaulted). */
  public boolean has(String path) {
    return positions.containsKey(path);
  }

  /** The position of the whole object. */
  public SourcePosition objectPosition() {
    return fallback;
  }

  /** Every recorded path, for tests and tools. */
  public ImmutableMap<String, SourcePosition> all() {
    return positions;
  }

  static String parent(String path) {
    int dot = path.lastIndexOf('.');
    int bracket = path.lastIndexOf('[');
    int cut = Math.max(dot, bracket);
    return cut <= 0 ? "" : path.substring(0, cut);
  }
}
