package dev.netpolc.model.selector;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.LabelSelectorRequirement.Operator;
import dev.netpolc.model.selector.grammar.LabelSelectorStringLexer;
import dev.netpolc.model.selector.grammar.LabelSelectorStringParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Parses kubectl's label-selector syntax ({@code app=web,tier!=db,env in (a,b),team notin (x),
 * has,!legacy}) into a {@link LabelSelector}: {@code k=v} and {@code k==v} become
 * {@code matchLabels}, {@code k!=v} a {@code NotIn [v]} expression, {@code in}/{@code notin}
 * In/NotIn, a bare key Exists and {@code !key} DoesNotExist. Whitespace between tokens is
 * ignored; the empty string is the selector that matches everything. The text is checked for
 * syntax only: validation judges the keys and values.
 *
 * <pre>{@code
 * LabelSelector s = SelectorParser.parse("app=web,env in (prod,staging)");
 * }</pre>
 */
public final class SelectorParser {
  private SelectorParser() {}

  /**
   * Parses {@code text}.
   *
   * @throws SelectorSyntaxException at the first syntax error, with its column and what was expected
   */
  public static LabelSelector parse(String text) throws SelectorSyntaxException {
    ThrowingListener listener = new ThrowingListener();
    LabelSelectorStringLexer lexer = new LabelSelectorStringLexer(CharStreams.fromString(text));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    LabelSelectorStringParser parser = new LabelSelectorStringParser(new CommonTokenStream(lexer));
    parser.removeErrorListeners();
    parser.addErrorListener(listener);
    LabelSelectorStringParser.SelectorContext tree = parser.selector();
    return build(tree);
  }

  private static LabelSelector build(LabelSelectorStringParser.SelectorContext tree) {
    Map<String, String> labels = new LinkedHashMap<>();
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    for (LabelSelectorStringParser.RequirementContext r : tree.requirement()) {
      if (r instanceof LabelSelectorStringParser.EqualityContext) {
        LabelSelectorStringParser.EqualityContext eq = (LabelSelectorStringParser.EqualityContext) r;
        String key = eq.key().getText();
        String value = eq.value() == null ? "" : eq.value().getText();
        if (eq.op.getType() == LabelSelectorStringParser.NEQ) {
          exprs.add(LabelSelectorRequirement.of(key, Operator.NotIn, value));
        } else if (!labels.containsKey(key)) {
          labels.put(key, value);
        } else if (!labels.get(key).equals(value)) {
          // app=a,app=b: matchLabels holds one value per key; the second is an equivalent In.
          exprs.add(LabelSelectorRequirement.of(key, Operator.In, value));
        }
      } else if (r instanceof LabelSelectorStringParser.InContext) {
        LabelSelectorStringParser.InContext in = (LabelSelectorStringParser.InContext) r;
        exprs.add(new LabelSelectorRequirement(in.key().getText(), Operator.In.name(), values(in.values())));
      } else if (r instanceof LabelSelectorStringParser.NotInContext) {
        LabelSelectorStringParser.NotInContext in = (LabelSelectorStringParser.NotInContext) r;
        exprs.add(new LabelSelectorRequirement(in.key().getText(), Operator.NotIn.name(), values(in.values())));
      } else if (r instanceof LabelSelectorStringParser.DoesNotExistContext) {
        exprs.add(LabelSelectorRequirement.of(((LabelSelectorStringParser.DoesNotExistContext) r).key().getText(),
            Operator.DoesNotExist));
      } else {
        exprs.add(LabelSelectorRequirement.of(((LabelSelectorStringParser.ExistsContext) r).key().getText(),
            Operator.Exists));
      }
    }
    return new LabelSelector(labels, exprs);
  }

  private static List<String> values(LabelSelectorStringParser.ValuesContext ctx) {
    List<String> out = new ArrayList<>();
    for (LabelSelectorStringParser.ValueContext v : ctx.value()) {
      out.add(v.getText());
    }
    return out;
  }

  /** Turns the first lexer or parser error into a {@link SelectorSyntaxException}; prints nothing. */
  private static final class ThrowingListener extends BaseErrorListener {
    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
        String msg, RecognitionException e) {
      int column = charPositionInLine + 1;
      if (!(recognizer instanceof Parser)) {
        // The lexer's message ends with the unmatched text in quotes: "token recognition error at: '$'".
        int quote = msg.indexOf('\'');
        String text = quote >= 0 && msg.endsWith("'") && msg.length() > quote + 1
            ? msg.substring(quote + 1, msg.length() - 1) : "?";
        throw new SelectorSyntaxException(column, "column " + column + ": unexpected character '" + text + "'");
      }
      Parser parser = (Parser) recognizer;
      IntervalSet expected = e != null && e.getExpectedTokens() != null ? e.getExpectedTokens()
          : parser.getExpectedTokens();
      Token found = (Token) offendingSymbol;
      throw new SelectorSyntaxException(column, "column " + column + ": expected " + describe(expected)
          + " but found " + describe(found));
    }

    private static String describe(Token t) {
      return t.getType() == Token.EOF ? "the end of the selector" : "'" + t.getText() + "'";
    }

    private static String describe(IntervalSet expected) {
      List<String> names = new ArrayList<>();
      boolean word = false;
      boolean end = false;
      for (int type : expected.toList()) {
        switch (type) {
          case LabelSelectorStringParser.WORD:
          case LabelSelectorStringParser.IN:
          case LabelSelectorStringParser.NOTIN:
            if (!word) {
              names.add("a label key or value");
              word = true;
            }
            break;
          case Token.EOF:
            end = true; // named last: it reads better after the tokens that could continue
            break;
          default:
            names.add(LabelSelectorStringParser.VOCABULARY.getLiteralName(type));
            break;
        }
      }
      if (end) {
        names.add("the end of the selector");
      }
      if (names.isEmpty()) {
        return "something else";
      }
      if (names.size() == 1) {
        return names.get(0);
      }
      return "one of " + String.join(", ", names);
    }
  }
}
