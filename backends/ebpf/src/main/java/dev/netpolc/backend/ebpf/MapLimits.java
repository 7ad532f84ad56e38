package dev.netpolc.backend.ebpf;

import java.util.EnumMap;
import java.util.Map;

/**
 * The maximum number of entries of each map: the datapath creates its maps with these sizes,
 * and an emit that needs more fails, naming the policies responsible, rather than truncate.
 *
 * @param max the maximum per map; maps not listed have their {@link EbpfMap#defaultMaxEntries()}
 */
public record MapLimits(Map<EbpfMap, Integer> max) {
  /** The highest maximum accepted. */
  public static final int CEILING = 1 << 24;
  /** {@link EbpfMap#defaultMaxEntries()} for every map. */
  public static final MapLimits DEFAULTS = new MapLimits(Map.of());

  public MapLimits {
    Map<EbpfMap, Integer> m = new EnumMap<>(EbpfMap.class);
    for (EbpfMap map : EbpfMap.values()) {
      int n = max.getOrDefault(map, map.defaultMaxEntries());
      if (n < 1 || n > CEILING) {
        throw new IllegalArgumentException("maximum of " + map + " must be 1.." + CEILING + ", got " + n);
      }
      m.put(map, n);
    }
    max = java.util.Collections.unmodifiableMap(m);
  }

  /** The maximum of {@code map}. */
  public int of(EbpfMap map) {
    return max.get(map);
  }

  /** These limits with {@code map}'s maximum changed. */
  public MapLimits with(EbpfMap map, int n) {
    Map<EbpfMap, Integer> m = new EnumMap<>(max);
    m.put(map, n);
    return new MapLimits(m);
  }
}
