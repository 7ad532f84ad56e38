package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import java.util.Objects;
import java.util.Optional;

/**
 * The ruleset an {@code nft -f} file leaves behind, starting from an empty ruleset: the tables
 * in creation order.
 *
 * @param tables the tables
 */
public record Ruleset(ImmutableList<Table> tables) {
  public Ruleset {
    Objects.requireNonNull(tables, "tables");
  }

  /** The table of that family and name, if any. */
  public Optional<Table> table(Family family, String name) {
    return tables.stream().filter(t -> t.family() == family && t.name().equals(name)).findFirst();
  }
}
