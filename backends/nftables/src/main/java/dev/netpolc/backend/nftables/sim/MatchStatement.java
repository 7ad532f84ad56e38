package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;

/**
 * A match: the (possibly concatenated) selected fields, equal or not equal ({@code !=}) to a
 * value, a range, a prefix, an anonymous set or a named set.
 *
 * @param selectors the fields, more than one for a concatenation {@code a . b}
 * @param negated   true for {@code !=}
 * @param values    what the fields are compared with
 * @param position  where the match starts
 */
public record MatchStatement(ImmutableList<Selector> selectors, boolean negated, SetSource values,
    SourcePosition position) implements Statement {

  public MatchStatement {
    Objects.requireNonNull(selectors, "selectors");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(position, "position");
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visitMatch(this);
  }
}
