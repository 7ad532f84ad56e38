package dev.netpolc.backend.nftables.sim;

import dev.netpolc.backend.nftables.sim.grammar.NftLexer;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Parses an nftables script of the netpolc subset, applies its commands in order as
 * {@code nft -f} would (starting from an empty ruleset), checks it, and returns the result.
 *
 * <pre>{@code
 * Ruleset rs = NftParser.parse(Files.readString(path), path.toString());
 * }</pre>
 */
public final class NftParser {
  private NftParser() {}

  /**
   * Parses and checks {@code text}.
   *
   * @param text     the script
   * @param fileName the name used in error positions
   * @return the ruleset the script leaves behind
   * @throws NftSyntaxException at the first syntax or semantic error nft would report
   */
  public static Ruleset parse(String text, String fileName) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(fileName, "fileName");
    ThrowingListener listener = new ThrowingListener(fileName);
    NftLexer lexer = new NftLexer(CharStreams.fromString(text, fileName));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    dev.netpolc.backend.nftables.sim.grammar.NftParser parser =
        new dev.netpolc.backend.nftables.sim.grammar.NftParser(tokens);
    parser.removeErrorListeners();
    // Two stages, as the ANTLR book recommends: fast SLL first; on any failure, full LL with
    // error reporting (SLL can fail on input that LL accepts, never the other way round).
    parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
    parser.setErrorHandler(new BailErrorStrategy());
    dev.netpolc.backend.nftables.sim.grammar.NftParser.FileContext tree;
    try {
      tree = parser.file();
    } catch (ParseCancellationException e) {
      tokens.seek(0);
      parser.reset();
      parser.addErrorListener(listener);
      parser.setErrorHandler(new DefaultErrorStrategy());
      parser.getInterpreter().setPredictionMode(PredictionMode.LL);
      tree = parser.file();
    }
    return new RulesetBuilder(fileName).build(tree);
  }

  /** Turns the first ANTLR error into an {@link NftSyntaxException}. */
  private static final class ThrowingListener extends BaseErrorListener {
    private final String fileName;

    ThrowingListener(String fileName) {
      this.fileName = fileName;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
        int charPositionInLine, String msg, RecognitionException e) {
      String reason;
      if (offendingSymbol instanceof Token) {
        Token t = (Token) offendingSymbol;
        reason = t.getType() == Token.EOF
            ? "syntax error, unexpected end of file"
            : "syntax error, unexpected " + describe(t.getText());
        if (NftKeywords.isReserved(t.getText()) && expectsName(recognizer)) {
          reason += " ('" + t.getText() + "' is an nft keyword and cannot be used as a name)";
        }
      } else {
        reason = "syntax error: " + msg;
      }
      throw new NftSyntaxException(new SourcePosition(fileName, line, charPositionInLine + 1), reason);
    }

    private static boolean expectsName(Recognizer<?, ?> recognizer) {
      return recognizer instanceof Parser && ((Parser) recognizer).getExpectedTokens().contains(NftLexer.WORD);
    }

    private static String describe(String text) {
      if (text.equals("\n") || text.equals("\r\n")) {
        return "newline";
      }
      return "'" + text + "'";
    }
  }
}
