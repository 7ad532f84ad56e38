package dev.netpolc.backend.ebpf;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands turning one set of map entries into another, for live policy changes: first
 * every update (new keys and changed values), then every delete (keys gone), so that no
 * connection the old and the new policy both allow is ever dropped mid-change; in between, a
 * map briefly holds old and new entries.
 *
 * <pre>{@code
 * List<MapCommand> cmds = MapsDiff.between(previous, next);
 * String batch = MapsBatch.write("netpolc eBPF map diff", "/sys/fs/bpf/netpolc", cmds);
 * assert MapsDiff.apply(previous, cmds).equals(next);
 * }</pre>
 */
public final class MapsDiff {
  private MapsDiff() {}

  /** Updates (maps in layout order, keys in order), then deletes (likewise). */
  public static List<MapCommand> between(EbpfMaps previous, EbpfMaps next) {
    List<MapCommand> updates = new ArrayList<>();
    List<MapCommand> deletes = new ArrayList<>();
    for (EbpfMap m : EbpfMap.values()) {
      Map<MapKey, MapValue> before = index(previous, m);
      Map<MapKey, MapValue> after = index(next, m);
      for (MapEntry<?, ?> e : next.entries(m)) {
        if (!e.value().equals(before.get(e.key()))) {
          updates.add(new MapCommand.Update(m, e.key(), e.value()));
        }
      }
      for (MapEntry<?, ?> e : previous.entries(m)) {
        if (!after.containsKey(e.key())) {
          deletes.add(new MapCommand.Delete(m, e.key()));
        }
      }
    }
    updates.addAll(deletes);
    return updates;
  }

  /**
   * {@code commands} applied to {@code maps} as the kernel would: an update adds or replaces, a
   * delete removes an existing key.
   *
   * @throws IllegalArgumentException when a delete names a missing key (bpftool stops there)
   */
  public static EbpfMaps apply(EbpfMaps maps, List<MapCommand> commands) {
    EbpfMaps.Builder b = builderOf(maps);
    for (MapCommand c : commands) {
      if (c instanceof MapCommand.Update u) {
        b.replace(u.map(), u.key(), u.value());
      } else if (!b.remove(c.map(), c.key())) {
        throw new IllegalArgumentException("delete of a key not in " + c.map() + ": " + c.key());
      }
    }
    return b.build();
  }

  /** The most entries each map holds at any point while {@code commands} run on {@code maps}. */
  public static Map<EbpfMap, Integer> peak(EbpfMaps maps, List<MapCommand> commands) {
    EbpfMaps.Builder b = builderOf(maps);
    Map<EbpfMap, Integer> peak = new EnumMap<>(maps.counts());
    for (MapCommand c : commands) {
      if (c instanceof MapCommand.Update u) {
        b.replace(u.map(), u.key(), u.value());
        peak.merge(c.map(), b.count(c.map()), Math::max);
      } else {
        b.remove(c.map(), c.key());
      }
    }
    return peak;
  }

  private static EbpfMaps.Builder builderOf(EbpfMaps maps) {
    EbpfMaps.Builder b = EbpfMaps.builder();
    for (EbpfMap m : EbpfMap.values()) {
      for (MapEntry<?, ?> e : maps.entries(m)) {
        b.put(m, e.key(), e.value());
      }
    }
    return b;
  }

  private static Map<MapKey, MapValue> index(EbpfMaps maps, EbpfMap m) {
    Map<MapKey, MapValue> out = new HashMap<>();
    for (MapEntry<?, ?> e : maps.entries(m)) {
      out.put(e.key(), e.value());
    }
    return out;
  }
}
