package dev.netpolc.backend.nftables.sim;

import java.util.Objects;
import java.util.Optional;

/**
 * A verdict: {@code accept}, {@code drop}, {@code reject}, {@code continue}, {@code return},
 * {@code jump C} or {@code goto C}.
 *
 * @param kind   which verdict
 * @param target the chain of a jump or goto; empty otherwise
 */
public record VerdictStatement(Kind kind, Optional<String> target) implements Statement {

  /** The verdict kinds. */
  public enum Kind {
    ACCEPT,
    DROP,
    REJECT,
    CONTINUE,
    RETURN,
    JUMP,
    GOTO
  }

  public VerdictStatement {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(target, "target");
    if ((kind == Kind.JUMP || kind == Kind.GOTO) != target.isPresent()) {
      throw new IllegalArgumentException("jump and goto, and only they, need a target chain");
    }
  }

  /** A verdict without target. */
  public static VerdictStatement of(Kind kind) {
    return new VerdictStatement(kind, Optional.empty());
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visitVerdict(this);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + target.map(t -> " " + t).orElse("");
  }
}
