package dev.netpolc.backend;

/**
 * A backend cannot emit or read an artifact: an invalid option (a table name nft would reject),
 * a graph using a feature the backend lacks, or an artifact that does not parse. The message is
 * complete and user-facing; for text input it starts with {@code file:line:column}.
 *
 * <pre>{@code
 * try { backend.emit(graph, options); } catch (BackendException e) { err.println(e.getMessage()); }
 * }</pre>
 */
public final class BackendException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An error with a user-facing message. */
  public BackendException(String message) {
    super(message);
  }

  /** An error with a user-facing message and the exception that caused it. */
  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
