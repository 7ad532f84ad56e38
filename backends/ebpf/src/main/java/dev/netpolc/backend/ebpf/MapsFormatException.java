package dev.netpolc.backend.ebpf;

/**
 * maps.json or maps.batch does not parse, or holds an entry the layout does not allow. The
 * message starts with {@code file:line:column}.
 */
public final class MapsFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An error at {@code file:line:column}. */
  public MapsFormatException(String file, long line, long column, String message) {
    super(file + ":" + line + ":" + column + ": " + message);
  }
}
