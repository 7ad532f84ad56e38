package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;
import java.util.Optional;

/**
 * A chain: a base chain when {@link #base()} is present, a regular chain (reached only by jump,
 * goto or verdict maps) otherwise.
 *
 * @param name     the chain's name
 * @param base     hook, priority and policy of a base chain
 * @param rules    the rules in order
 * @param comment  the chain's comment
 * @param position where the chain is declared
 */
public record Chain(String name, Optional<BaseChainSpec> base, ImmutableList<Rule> rules,
    Optional<String> comment, SourcePosition position) {
  public Chain {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(position, "position");
  }

  /** True for a base chain. */
  public boolean isBase() {
    return base.isPresent();
  }
}
