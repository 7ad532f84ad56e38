package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import java.util.Objects;

/** The right-hand side of a set lookup: a named set or map ({@code @name}) or an anonymous set. */
public sealed interface SetSource permits SetSource.Named, SetSource.Anonymous {

  /**
   * A reference to a set or map of the same table.
   *
   * @param name the set's name
   */
  record Named(String name) implements SetSource {
    public Named {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Elements written inline: {@code { a, b-c }}, a single value, or a {@code ct state} list.
   *
   * @param elements the elements, in source order
   */
  record Anonymous(ImmutableList<SetElement> elements) implements SetSource {
    public Anonymous {
      Objects.requireNonNull(elements, "elements");
    }
  }
}
