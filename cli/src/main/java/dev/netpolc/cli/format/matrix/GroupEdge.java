package dev.netpolc.cli.format.matrix;

import java.util.Objects;

/**
 * A graph edge: at least one pod of {@code from} reaches one pod of {@code to}.
 *
 * @param from  the source group
 * @param to    the destination group
 * @param count allowed out of all pairs of distinct pods between them
 */
public record GroupEdge(String from, String to, PairCount count) {
  public GroupEdge {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(count, "count");
  }
}
