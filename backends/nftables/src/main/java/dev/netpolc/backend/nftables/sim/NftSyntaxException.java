package dev.netpolc.backend.nftables.sim;

import dev.netpolc.model.SourcePosition;
import java.util.Objects;

/**
 * An nftables text that {@code nft -f} would reject: a syntax error or a semantic error (wrong
 * element type, undefined reference, ...). The message reads {@code file:line:column: reason}.
 */
public final class NftSyntaxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final SourcePosition position;
  private final String reason;

  /** An error at {@code position} with a human-readable {@code reason}. */
  public NftSyntaxException(SourcePosition position, String reason) {
    super(position + ": " + printable(reason));
    this.position = Objects.requireNonNull(position, "position");
    this.reason = printable(reason);
  }

  /**
   * {@code reason} with control characters (a reason may quote the input) shown as {@code ?}:
   * a ruleset read back from a node must not send escape sequences to the terminal.
   */
  private static String printable(String reason) {
    return Objects.requireNonNull(reason, "reason").replaceAll("[\\p{Cc}\\u2028\\u2029&&[^\\n]]", "?");
  }

  /** Where the error is (file, 1-based line, 1-based column). */
  public SourcePosition position() {
    return position;
  }

  /** The reason without the position prefix. */
  public String reason() {
    return reason;
  }
}
