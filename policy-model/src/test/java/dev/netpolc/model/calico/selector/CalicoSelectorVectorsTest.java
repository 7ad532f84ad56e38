package dev.netpolc.model.calico.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.model.calico.selector.grammar.CalicoSelectorLexer;
import dev.netpolc.model.selector.SelectorSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

/** Calico's own parser and tokenizer test vectors ({@code calico/selector-vectors.yaml}, with their source). */
class CalicoSelectorVectorsTest {

  record Case(String selector, List<Map<String, String>> matches, List<Map<String, String>> nonMatches) {}

  record Canonical(String input, String expected) {}

  record Tokens(String input, List<String> kinds, boolean error) {}

  record Vectors(List<Case> cases, List<String> bad, List<Canonical> canonical, List<Tokens> tokens) {}

  private static Vectors vectors() throws IOException {
    Map<String, List<Object>> data;
    try (InputStream in = CalicoSelectorVectorsTest.class.getResourceAsStream("/calico/selector-vectors.yaml")) {
      data = new Yaml().load(in);
    }
    List<Case> cases = new ArrayList<>();
    for (Object o : data.get("cases")) {
      Map<String, Object> m = map(o);
      cases.add(new Case((String) m.get("selector"), labels(m.get("matches")), labels(m.get("nonMatches"))));
    }
    List<String> bad = new ArrayList<>();
    data.get("bad").forEach(o -> bad.add((String) o));
    List<Canonical> canonical = new ArrayList<>();
    for (Object o : data.get("canonical")) {
      canonical.add(new Canonical((String) map(o).get("input"), (String) map(o).get("expected")));
    }
    List<Tokens> tokens = new ArrayList<>();
    for (Object o : data.get("tokens")) {
      Map<String, Object> m = map(o);
      List<String> kinds = new ArrayList<>();
      if (m.get("kinds") != null) {
        ((List<?>) m.get("kinds")).forEach(k -> kinds.add((String) k));
      }
      tokens.add(new Tokens((String) m.get("input"), kinds, Boolean.TRUE.equals(m.get("error"))));
    }
    return new Vectors(cases, bad, canonical, tokens);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static List<Map<String, String>> labels(Object list) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Object o : (List<?>) list) {
      Map<String, String> labels = new java.util.HashMap<>();
      map(o).forEach((k, v) -> labels.put(k, String.valueOf(v)));
      out.add(labels);
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> matchesAsCalicoDoesBeforeAndAfterCanonicalising() throws IOException {
    return vectors().cases().stream().map(c -> DynamicTest.dynamicTest("[" + c.selector() + "]", () -> {
      CalicoSelector s = CalicoSelector.parse(c.selector());
      CalicoSelector again = CalicoSelector.parse(s.toString());
      assertThat(again).isEqualTo(s);
      for (Map<String, String> labels : c.matches()) {
        assertThat(s.matches(labels)).as("%s on %s", c.selector(), labels).isTrue();
        assertThat(again.matches(labels)).isTrue();
      }
      for (Map<String, String> labels : c.nonMatches()) {
        assertThat(s.matches(labels)).as("%s on %s", c.selector(), labels).isFalse();
        assertThat(again.matches(labels)).isFalse();
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> refusesWhatCalicoRefuses() throws IOException {
    return vectors().bad().stream().map(bad -> DynamicTest.dynamicTest("[" + bad + "]", () -> {
      assertThatThrownBy(() -> CalicoSelector.parse(bad)).isInstanceOf(SelectorSyntaxException.class)
          .satisfies(e -> {
            int column = ((SelectorSyntaxException) e).column();
            assertThat(column).isBetween(1, bad.length() + 1);
          });
    }));
  }

  @TestFactory
  Stream<DynamicTest> printsCalicosCanonicalForm() throws IOException {
    return vectors().canonical().stream().map(c -> DynamicTest.dynamicTest("[" + c.input() + "]", () -> {
      String canonical = CalicoSelector.parse(c.input()).toString();
      assertThat(canonical).isEqualTo(c.expected());
      assertThat(CalicoSelector.parse(canonical).toString()).isEqualTo(canonical);
    }));
  }

  @TestFactory
  Stream<DynamicTest> tokenisesAsCalicosTokenizer() throws IOException {
    return vectors().tokens().stream().map(t -> DynamicTest.dynamicTest("[" + t.input() + "]", () -> {
      if (t.error()) {
        assertThatThrownBy(() -> tokens(t.input())).isInstanceOf(IllegalStateException.class);
      } else {
        assertThat(tokens(t.input())).isEqualTo(expected(t.kinds()));
      }
    }));
  }

  /** Our tokens, named as Calico's kinds: has( x ) is one "Has x" token there. */
  private static List<String> tokens(String input) {
    CalicoSelectorLexer lexer = new CalicoSelectorLexer(CharStreams.fromString(input));
    lexer.removeErrorListeners();
    lexer.addErrorListener(new BaseErrorListener() {
      @Override
      public void syntaxError(Recognizer<?, ?> r, Object o, int line, int col, String msg, RecognitionException e) {
        throw new IllegalStateException(msg);
      }
    });
    List<String> out = new ArrayList<>();
    for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
      out.add(t.getType() == CalicoSelectorLexer.STRING
          ? "STRING " + t.getText().substring(1, t.getText().length() - 1)
          : t.getType() == CalicoSelectorLexer.LABEL ? "LABEL " + t.getText()
          : CalicoSelectorLexer.VOCABULARY.getSymbolicName(t.getType()));
    }
    return out;
  }

  private static List<String> expected(List<String> calicoKinds) {
    List<String> out = new ArrayList<>();
    for (String k : calicoKinds) {
      String[] kv = k.split(" ", 2);
      switch (kv[0]) {
        case "Label": out.add("LABEL " + kv[1]); break;
        case "StringLiteral": out.add("STRING " + kv[1]); break;
        case "Has": out.add("HAS_OPEN"); out.add("LABEL " + kv[1]); out.add("RPAREN"); break;
        case "All": out.add("ALL_OPEN"); out.add("RPAREN"); break;
        case "Global": out.add("GLOBAL_OPEN"); out.add("RPAREN"); break;
        case "Eq": out.add("EQ"); break;
        case "Ne": out.add("NE"); break;
        case "Contains": out.add("CONTAINS"); break;
        case "StartsWith": out.add("STARTS_WITH"); break;
        case "EndsWith": out.add("ENDS_WITH"); break;
        case "In": out.add("IN"); break;
        case "NotIn": out.add("NOT_IN"); break;
        case "And": out.add("AND"); break;
        case "Or": out.add("OR"); break;
        case "Not": out.add("NOT"); break;
        case "LBrace": out.add("LBRACE"); break;
        case "RBrace": out.add("RBRACE"); break;
        case "Comma": out.add("COMMA"); break;
        default: throw new IllegalArgumentException("unknown Calico token kind " + k);
      }
    }
    return out;
  }
}
