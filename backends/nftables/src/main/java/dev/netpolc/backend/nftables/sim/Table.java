package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;
import java.util.Optional;

/**
 * A table with its sets, maps and chains, in declaration order.
 *
 * @param family   inet, ip or ip6
 * @param name     the table's name
 * @param comment  the table's comment
 * @param sets     sets and verdict maps
 * @param chains   chains
 * @param position where the table was (last) created
 */
public record Table(Family family, String name, Optional<String> comment, ImmutableList<NftSet> sets,
    ImmutableList<Chain> chains, SourcePosition position) {

  public Table {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(sets, "sets");
    Objects.requireNonNull(chains, "chains");
    Objects.requireNonNull(position, "position");
  }

  /** The chain called {@code name}, if any. */
  public Optional<Chain> chain(String name) {
    return chains.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The set or map called {@code name}, if any. */
  public Optional<NftSet> set(String name) {
    return sets.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
