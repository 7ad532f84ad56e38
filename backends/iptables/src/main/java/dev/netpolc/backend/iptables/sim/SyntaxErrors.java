package dev.netpolc.backend.iptables.sim;

import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;

/** Collects the first lexer or parser error as {@code file:line:column: message}. */
final class SyntaxErrors extends BaseErrorListener {
  private final String file;
  private IptSyntaxException first;

  SyntaxErrors(String file) {
    this.file = file;
  }

  @Override
  public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
      String msg, RecognitionException e) {
    if (first == null) {
      first = new IptSyntaxException(file, line, charPositionInLine + 1, "syntax error: " + msg);
    }
  }

  /** Throws the first error, if there was one. */
  void throwFirst() throws IptSyntaxException {
    if (first != null) {
      throw first;
    }
  }
}
