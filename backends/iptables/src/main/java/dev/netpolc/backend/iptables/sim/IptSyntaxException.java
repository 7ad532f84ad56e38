package dev.netpolc.backend.iptables.sim;

/**
 * A restore file that does not parse, or that the kernel would reject (an undefined chain or
 * set, a value out of range). The message starts with {@code file:line:column}.
 */
public final class IptSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An error at {@code file:line:column}. */
  public IptSyntaxException(String file, int line, int column, String message) {
    // Control characters a message quotes from the input are shown as '?': a restore file read
    // back from a node must not send escape sequences to the terminal that prints the error.
    super(file + ":" + line + ":" + column + ": " + message.replaceAll("[\\p{Cc}\\u2028\\u2029&&[^\\n]]", "?"));
  }
}
