package dev.netpolc.backend.ebpf;

/**
 * maps.json or maps.batch does not parse, or holds an entry the layout does not allow. The
 * message starts with {@code file:line:column}.
 */
public final class MapsFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An error at {@code file:line:column}. */
  public MapsFormatException(String file, long line, long column, String message) {
    // Lines and columns are 1-based (Jackson reports column 0 at the end of an empty input);
    // control characters a message quotes from the input are shown as '?'.
    super(file + ":" + Math.max(line, 1) + ":" + Math.max(column, 1) + ": "
        + message.replaceAll("[\\p{Cc}\\u2028\\u2029&&[^\\n]]", "?"));
  }
}
