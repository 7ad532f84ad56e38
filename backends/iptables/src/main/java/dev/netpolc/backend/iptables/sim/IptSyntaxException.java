package dev.netpolc.backend.iptables.sim;

/**
 * A restore file that does not parse, or that the kernel would reject (an undefined chain or
 * set, a value out of range). The message starts with {@code file:line:column}.
 */
public final class IptSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An error at {@code file:line:column}. */
  public IptSyntaxException(String file, int line, int column, String message) {
    super(file + ":" + line + ":" + column + ": " + message);
  }
}
