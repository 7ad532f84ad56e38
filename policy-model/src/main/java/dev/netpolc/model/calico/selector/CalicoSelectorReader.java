package dev.netpolc.model.calico.selector;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.calico.selector.grammar.CalicoSelectorGrammar;
import dev.netpolc.model.calico.selector.grammar.CalicoSelectorLexer;
import dev.netpolc.model.selector.SelectorSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Builds {@link CalicoSelector}s from the ANTLR parse tree of Calico's selector syntax. */
final class CalicoSelectorReader {
  private CalicoSelectorReader() {}

  static CalicoSelector read(String text) {
    ThrowingListener listener = new ThrowingListener();
    CalicoSelectorLexer lexer = new CalicoSelectorLexer(CharStreams.fromString(text));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    CalicoSelectorGrammar parser = new CalicoSelectorGrammar(new CommonTokenStream(lexer));
    parser.removeErrorListeners();
    parser.addErrorListener(listener);
    CalicoSelectorGrammar.SelectorContext tree = parser.selector();
    return tree.orExpr() == null ? new CalicoSelector.All() : or(tree.orExpr());
  }

  private static CalicoSelector or(CalicoSelectorGrammar.OrExprContext ctx) {
    List<CalicoSelector> operands = new ArrayList<>();
    for (CalicoSelectorGrammar.AndExprContext a : ctx.andExpr()) {
      operands.add(and(a));
    }
    return operands.size() == 1 ? operands.get(0) : new CalicoSelector.Or(ImmutableList.copyOf(operands));
  }

  private static CalicoSelector and(CalicoSelectorGrammar.AndExprContext ctx) {
    List<CalicoSelector> operands = new ArrayList<>();
    for (CalicoSelectorGrammar.OperationContext o : ctx.operation()) {
      operands.add(operation(o));
    }
    return operands.size() == 1 ? operands.get(0) : new CalicoSelector.And(ImmutableList.copyOf(operands));
  }

  private static CalicoSelector operation(CalicoSelectorGrammar.OperationContext ctx) {
    CalicoSelector inner = primary(ctx.primary());
    // Calico folds the leading "!"s into one negation or none (and "!(!a)" into "a").
    for (int i = 0; i < ctx.NOT().size(); i++) {
      inner = CalicoSelector.Not.of(inner);
    }
    return inner;
  }

  private static CalicoSelector primary(CalicoSelectorGrammar.PrimaryContext ctx) {
    if (ctx instanceof CalicoSelectorGrammar.HasContext) {
      return new CalicoSelector.Has(((CalicoSelectorGrammar.HasContext) ctx).LABEL().getText());
    }
    if (ctx instanceof CalicoSelectorGrammar.AllContext) {
      return new CalicoSelector.All();
    }
    if (ctx instanceof CalicoSelectorGrammar.GlobalContext) {
      return new CalicoSelector.Global();
    }
    if (ctx instanceof CalicoSelectorGrammar.CompareContext) {
      CalicoSelectorGrammar.CompareContext c = (CalicoSelectorGrammar.CompareContext) ctx;
      return new CalicoSelector.Compare(c.LABEL().getText(), operator(c.op), unquote(c.STRING()));
    }
    if (ctx instanceof CalicoSelectorGrammar.MembershipContext) {
      CalicoSelectorGrammar.MembershipContext m = (CalicoSelectorGrammar.MembershipContext) ctx;
      Set<String> values = new LinkedHashSet<>();
      for (TerminalNode s : m.STRING()) {
        values.add(unquote(s));
      }
      String key = m.LABEL().getText();
      return m.op.getType() == CalicoSelectorGrammar.IN ? CalicoSelector.In.of(key, values)
          : CalicoSelector.NotIn.of(key, values);
    }
    return or(((CalicoSelectorGrammar.GroupContext) ctx).orExpr());
  }

  private static CalicoSelector.Operator operator(Token op) {
    switch (op.getType()) {
      case CalicoSelectorGrammar.EQ:
        return CalicoSelector.Operator.EQUALS;
      case CalicoSelectorGrammar.NE:
        return CalicoSelector.Operator.NOT_EQUALS;
      case CalicoSelectorGrammar.CONTAINS:
        return CalicoSelector.Operator.CONTAINS;
      case CalicoSelectorGrammar.STARTS_WITH:
        return CalicoSelector.Operator.STARTS_WITH;
      default:
        return CalicoSelector.Operator.ENDS_WITH;
    }
  }

  private static String unquote(TerminalNode string) {
    String t = string.getText();
    return t.substring(1, t.length() - 1);
  }

  /** Turns the first lexer or parser error into a {@link SelectorSyntaxException}; prints nothing. */
  private static final class ThrowingListener extends BaseErrorListener {
    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
        String msg, RecognitionException e) {
      // The input is one string: a STRING token may span lines, so count the column from the
      // character index, not from the lexer's line.
      if (!(recognizer instanceof Parser)) {
        CalicoSelectorLexer lexer = (CalicoSelectorLexer) recognizer;
        // ANTLR's char streams count code points; so do the columns.
        int index = lexer._tokenStartCharIndex;
        String text = lexer.getInputStream().toString();
        int column = index + 1;
        int at = text.offsetByCodePoints(0, Math.min(index, text.codePointCount(0, text.length())));
        int c = at < text.length() ? text.codePointAt(at) : ' ';
        String what = c == '"' || c == '\'' ? "unterminated string starting with " + (char) c
            : lexer._mode == CalicoSelectorLexer.AFTER_LABEL
                ? "unexpected '" + printable(c) + "' after a label: expected ==, !=, contains, "
                    + "starts with, ends with, in or not in"
                : "unexpected character '" + printable(c) + "'";
        throw new SelectorSyntaxException(column, "column " + column + ": " + what);
      }
      Parser parser = (Parser) recognizer;
      Token found = (Token) offendingSymbol;
      // Columns count characters of the selector; the end of the selector is one past its last.
      int column = found.getType() == Token.EOF
          ? parser.getInputStream().getTokenSource().getInputStream().size() + 1
          : found.getStartIndex() + 1;
      IntervalSet expected = e != null && e.getExpectedTokens() != null ? e.getExpectedTokens()
          : parser.getExpectedTokens();
      if (e instanceof NoViableAltException
          && ((NoViableAltException) e).getStartToken().getType() == CalicoSelectorGrammar.LABEL
          && ((NoViableAltException) e).getStartToken() != found) {
        // A label then no operator: prediction fails at the label, but what is missing is the operator.
        expected = IntervalSet.of(CalicoSelectorGrammar.EQ, CalicoSelectorGrammar.NE);
        for (int t : new int[] {CalicoSelectorGrammar.CONTAINS, CalicoSelectorGrammar.STARTS_WITH,
            CalicoSelectorGrammar.ENDS_WITH, CalicoSelectorGrammar.IN, CalicoSelectorGrammar.NOT_IN}) {
          expected.add(t);
        }
      }
      throw new SelectorSyntaxException(column, "column " + column + ": expected " + describe(expected)
          + " but found " + describe(found));
    }

    private static String printable(int cp) {
      return Character.isISOControl(cp) ? String.format("\\u%04x", cp) : new String(Character.toChars(cp));
    }

    private static String describe(Token t) {
      return t.getType() == Token.EOF ? "the end of the selector" : "'" + t.getText() + "'";
    }

    private static String describe(IntervalSet expected) {
      List<String> names = new ArrayList<>();
      boolean end = false;
      for (int type : expected.toList()) {
        if (type == Token.EOF) {
          end = true; // named last: it reads better after the tokens that could continue
          continue;
        }
        names.add(name(type));
      }
      if (end) {
        names.add("the end of the selector");
      }
      if (names.isEmpty()) {
        return "something else";
      }
      return names.size() == 1 ? names.get(0) : "one of " + String.join(", ", names);
    }

    private static String name(int type) {
      switch (type) {
        case CalicoSelectorGrammar.LABEL:
          return "a label name";
        case CalicoSelectorGrammar.STRING:
          return "a quoted string";
        case CalicoSelectorGrammar.STARTS_WITH:
          return "'starts with'";
        case CalicoSelectorGrammar.ENDS_WITH:
          return "'ends with'";
        case CalicoSelectorGrammar.NOT_IN:
          return "'not in'";
        default:
          String literal = CalicoSelectorGrammar.VOCABULARY.getLiteralName(type);
          return literal != null ? literal : CalicoSelectorGrammar.VOCABULARY.getDisplayName(type);
      }
    }
  }
}
