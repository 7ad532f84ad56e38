package dev.netpolc.backend.ebpf;

import java.util.Objects;

/**
 * One entry of one map.
 *
 * @param <K>   the key type
 * @param <V>   the value type
 * @param key   the key
 * @param value the value
 */
public record MapEntry<K extends MapKey, V extends MapValue>(K key, V value) {
  public MapEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
