package dev.netpolc.compiler.matrix;

import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The deciders {@code netpolc matrix --via NAME} can use, by name. Immutable; {@link #with}
 * returns a registry with one more entry, so wiring a new decider is one line:
 * {@code DeciderRegistry.standard().with("ir", (cluster, options) -> ...)}.
 */
public final class DeciderRegistry {
  private final ImmutableSortedMap<String, DeciderFactory> factories;

  private DeciderRegistry(Map<String, DeciderFactory> factories) {
    this.factories = ImmutableSortedMap.copyOf(factories);
  }

  /** The deciders of the compiler module: {@code reference}. */
  public static DeciderRegistry standard() {
    return new DeciderRegistry(Map.of("reference", ReferenceEvaluator::new));
  }

  /** This registry plus {@code factory} under {@code name} (replacing one of that name). */
  public DeciderRegistry with(String name, DeciderFactory factory) {
    TreeMap<String, DeciderFactory> m = new TreeMap<>(factories);
    m.put(name, factory);
    return new DeciderRegistry(m);
  }

  /** The factory named {@code name}. */
  public Optional<DeciderFactory> find(String name) {
    return Optional.ofNullable(factories.get(name));
  }

  /** Every name, sorted. */
  public SortedSet<String> names() {
    return factories.keySet();
  }
}
