package dev.netpolc.compiler.reference;

import dev.netpolc.model.SourcePosition;
import java.util.Objects;

/**
 * A NetworkPolicy named in an explanation.
 *
 * @param key      {@code namespace/name}
 * @param position where the policy object starts
 */
public record PolicyRef(String key, SourcePosition position) {
  public PolicyRef {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(position, "position");
  }

  @Override
  public String toString() {
    return position.isKnown() ? key + " (" + position + ")" : key;
  }
}
