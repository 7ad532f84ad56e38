package dev.netpolc.backend;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a backend renders a graph. Semantic choices (such as whether node-to-local-pod traffic is
 * always allowed) are not here: they are compiled into the graph
 * ({@code RuleGraph.options()}), so every backend honours them alike.
 *
 * <pre>{@code
 * BackendOptions o = BackendOptions.DEFAULTS.withTableName("np").withCounters(true);
 * }</pre>
 *
 * @param tableName the name of the table, chain prefix or object namespace the backend owns
 *                  (each backend validates it: nftables wants {@code [a-zA-Z][a-zA-Z0-9_]{0,30}})
 * @param counters  put a packet counter on every rule
 * @param logDrops  log every dropped new connection before dropping it
 * @param logPrefix text put in front of every log prefix (may be empty; sanitised by the backend)
 * @param extra     backend-specific keys, documented by each backend; unknown keys are errors
 */
public record BackendOptions(String tableName, boolean counters, boolean logDrops, String logPrefix,
    Map<String, String> extra) {

  /** Table {@code netpolc}, no counters, no logging, no extra keys. */
  public static final BackendOptions DEFAULTS = new BackendOptions("netpolc", false, false, "", Map.of());

  public BackendOptions {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(logPrefix, "logPrefix");
    extra = ImmutableSortedMap.copyOf(extra);
  }

  /** These options with another table name. */
  public BackendOptions withTableName(String name) {
    return new BackendOptions(name, counters, logDrops, logPrefix, extra);
  }

  /** These options with counters on or off. */
  public BackendOptions withCounters(boolean on) {
    return new BackendOptions(tableName, on, logDrops, logPrefix, extra);
  }

  /** These options with drop logging on or off. */
  public BackendOptions withLogDrops(boolean on) {
    return new BackendOptions(tableName, counters, on, logPrefix, extra);
  }

  /** These options with another log prefix. */
  public BackendOptions withLogPrefix(String prefix) {
    return new BackendOptions(tableName, counters, logDrops, prefix, extra);
  }

  /** These options with one more backend-specific key. */
  public BackendOptions with(String key, String value) {
    ImmutableSortedMap.Builder<String, String> b = ImmutableSortedMap.naturalOrder();
    extra.forEach((k, v) -> {
      if (!k.equals(key)) {
        b.put(k, v);
      }
    });
    b.put(key, value);
    return new BackendOptions(tableName, counters, logDrops, logPrefix, b.build());
  }

  /** The backend-specific value of {@code key}. */
  public Optional<String> extra(String key) {
    return Optional.ofNullable(extra.get(key));
  }
}
