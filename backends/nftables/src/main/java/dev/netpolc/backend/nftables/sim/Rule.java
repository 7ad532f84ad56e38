package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule: statements run left to right; the rule stops at the first match that fails.
 *
 * @param statements the statements; a verdict, a vmap or reject can only be last
 * @param comment    the rule's comment
 * @param position   where the rule starts
 */
public record Rule(ImmutableList<Statement> statements, Optional<String> comment, SourcePosition position) {
  public Rule {
    Objects.requireNonNull(statements, "statements");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(position, "position");
  }
}
