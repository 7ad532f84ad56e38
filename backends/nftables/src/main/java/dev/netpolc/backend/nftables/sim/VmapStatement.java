package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;

/**
 * {@code key vmap @map} or {@code key vmap { k : verdict, ... }}: looks the key up and applies
 * the verdict of the matching element; when nothing matches, the rule does not match.
 *
 * @param selectors the key fields
 * @param map       the named verdict map, or anonymous elements with verdicts
 * @param position  where the statement starts
 */
public record VmapStatement(ImmutableList<Selector> selectors, SetSource map, SourcePosition position)
    implements Statement {

  public VmapStatement {
    Objects.requireNonNull(selectors, "selectors");
    Objects.requireNonNull(map, "map");
    Objects.requireNonNull(position, "position");
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visitVmap(this);
  }
}
