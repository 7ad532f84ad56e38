package dev.netpolc.model.selector;

/**
 * A label-selector string that does not parse. The message names the column and what was
 * expected there ({@code column 9: expected a label value or '(' but found ','}).
 */
public final class SelectorSyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int column;

  /**
   * @param column  1-based column of the offending character
   * @param message what was expected and what was found
   */
  public SelectorSyntaxException(int column, String message) {
    // The message may quote the offending character: a control character is shown as '?'.
    super(message.replaceAll("[\\p{Cc}\\u2028\\u2029&&[^\\n]]", "?"));
    this.column = column;
  }

  /** The 1-based column of the offending character. */
  public int column() {
    return column;
  }
}
