package dev.netpolc.compiler.convert;

import dev.netpolc.model.SourcePosition;
import java.util.Objects;

/**
 * A source policy or rule the target cannot express (or a proof that failed), and why.
 *
 * @param source   the policy or rule refused
 * @param position where it is written ({@link SourcePosition#UNKNOWN} for objects built in code)
 * @param reason   why, in words
 */
public record Refusal(Provenance source, SourcePosition position, String reason) {
  public Refusal {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(reason, "reason");
  }

  /** {@code file:line:col: KIND/NS/NAME rule PATH: reason}. */
  @Override
  public String toString() {
    return (position.isKnown() ? position + ": " : "") + source + ": " + reason;
  }
}
