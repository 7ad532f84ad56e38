package dev.netpolc.backend.ebpf;

import java.util.Objects;

/** One line of a bpftool batch file: a map update or delete. */
public sealed interface MapCommand permits MapCommand.Update, MapCommand.Delete {
  /** The map it changes. */
  EbpfMap map();

  /** The key it changes. */
  MapKey key();

  /**
   * {@code map update pinned DIR/MAP key hex .. value hex ..}: add or replace an entry.
   *
   * @param map   the map
   * @param key   the key
   * @param value the new value
   */
  record Update(EbpfMap map, MapKey key, MapValue value) implements MapCommand {
    public Update {
      Objects.requireNonNull(map, "map");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * {@code map delete pinned DIR/MAP key hex ..}: remove an entry.
   *
   * @param map the map
   * @param key the key
   */
  record Delete(EbpfMap map, MapKey key) implements MapCommand {
    public Delete {
      Objects.requireNonNull(map, "map");
      Objects.requireNonNull(key, "key");
    }
  }
}
