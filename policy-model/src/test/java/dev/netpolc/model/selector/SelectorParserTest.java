package dev.netpolc.model.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.LabelSelectorRequirement.Operator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/** The kubectl selector syntax, every form and the errors. */
class SelectorParserTest {

  @Test
  void equalityFormsBecomeMatchLabels() {
    assertThat(SelectorParser.parse("app=web,tier==db,empty="))
        .isEqualTo(LabelSelector.ofLabels(Map.of("app", "web", "tier", "db", "empty", "")));
  }

  @Test
  void everyOperator() {
    LabelSelector s = SelectorParser.parse("app=web,tier!=db,env in (a,b),team notin (x),has,!legacy");
    assertThat(s.matchLabels()).containsExactly(Map.entry("app", "web"));
    assertThat(s.matchExpressions()).containsExactly(
        LabelSelectorRequirement.of("tier", Operator.NotIn, "db"),
        LabelSelectorRequirement.of("env", Operator.In, "a", "b"),
        LabelSelectorRequirement.of("team", Operator.NotIn, "x"),
        LabelSelectorRequirement.of("has", Operator.Exists),
        LabelSelectorRequirement.of("legacy", Operator.DoesNotExist));
  }

  @Test
  void whitespaceAndPrefixedKeys() {
    assertThat(SelectorParser.parse("  app.kubernetes.io/name = web ,  env  in(  a , b.c-d_e )  , ! x/y "))
        .isEqualTo(new LabelSelector(Map.of("app.kubernetes.io/name", "web"), List.of(
            LabelSelectorRequirement.of("env", Operator.In, "a", "b.c-d_e"),
            LabelSelectorRequirement.of("x/y", Operator.DoesNotExist))));
  }

  @Test
  void keywordsAreWordsWhereAKeyOrValueStands() {
    assertThat(SelectorParser.parse("in=notin,notin in (in)")).isEqualTo(new LabelSelector(Map.of("in", "notin"),
        List.of(LabelSelectorRequirement.of("notin", Operator.In, "in"))));
    assertThat(SelectorParser.parse("inside=1,notinside")).isEqualTo(new LabelSelector(Map.of("inside", "1"),
        List.of(LabelSelectorRequirement.of("notinside", Operator.Exists))));
  }

  @Test
  void emptyStringSelectsEverything() {
    assertThat(SelectorParser.parse("")).isEqualTo(LabelSelector.EVERYTHING);
    assertThat(SelectorParser.parse("   ")).isEqualTo(LabelSelector.EVERYTHING);
  }

  @Test
  void theSameKeyTwiceKeepsBothRequirements() {
    LabelSelector s = SelectorParser.parse("app=a,app=b,app=a");
    assertThat(s.matchLabels()).containsExactly(Map.entry("app", "a"));
    assertThat(s.matchExpressions()).containsExactly(LabelSelectorRequirement.of("app", Operator.In, "b"));
    assertThat(s.matches(Map.of("app", "a"))).isFalse();
    assertThat(s.matches(Map.of("app", "b"))).isFalse();
  }

  @Test
  void emptyValuesPrintAsTextThatParsesBack() {
    // Found by SelectorFuzzTest: "x!=" printed as "x notin ()", which does not parse.
    for (String text : List.of("x!=", "a=x,a=", "a=,b!=,c in (d)")) {
      LabelSelector s = SelectorParser.parse(text);
      assertThat(SelectorParser.parse(s.toString())).as(text + " printed as " + s).isEqualTo(s);
    }
    assertThat(SelectorParser.parse("x!=")).hasToString("x!=");
  }

  @Test
  void controlCharactersAreShownAsQuestionMarks() {
    // Found by SelectorFuzzTest: the lexer's message quoted a C1 control (U+0085) raw.
    for (String c : List.of("\u0085", "\u001b", "\u0000")) {
      assertThatThrownBy(() -> SelectorParser.parse("a=b," + c)).isInstanceOf(SelectorSyntaxException.class)
          .hasMessage("column 5: unexpected character '?'");
    }
  }

  @Test
  void errorsNameTheColumnAndWhatWasExpected() {
    assertError("app=web,", 9, "expected one of a label key or value, '!' but found the end of the selector");
    assertError("app=web,,x", 9, "but found ','");
    assertError("env in (a,b", 12, "expected ')' but found the end of the selector");
    assertError("env in ()", 9, "expected a label key or value but found ')'");
    assertError("env in a", 8, "expected '('");
    assertError("app=web x", 9, "expected one of ',', the end of the selector");
    assertError("!", 2, "the end of the selector");
    assertError("app=we$b", 7, "unexpected character '$'");
    assertError("=web", 1, "expected one of a label key or value, '!', the end of the selector but found '='");
    assertError("a=b=c", 4, "but found '='");
  }

  @Test
  void printsNothingOnErrors() {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      assertThatThrownBy(() -> SelectorParser.parse("a in (")).isInstanceOf(SelectorSyntaxException.class);
      assertThatThrownBy(() -> SelectorParser.parse("a%")).isInstanceOf(SelectorSyntaxException.class);
    } finally {
      System.setErr(saved);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void parsesWhatLabelSelectorPrints() {
    // LabelSelector.toString() writes the kubectl form; parsing it back gives the same selector.
    qt().withExamples(500).forAll(SourceDSL.integers().between(0, Integer.MAX_VALUE)).checkAssert(seed -> {
      java.util.Random rnd = new java.util.Random(seed);
      java.util.Map<String, String> labels = new java.util.TreeMap<>();
      java.util.List<LabelSelectorRequirement> exprs = new java.util.ArrayList<>();
      String[] words = {"app", "tier", "k8s.io/name", "a-b", "x_y", "v1.2", "in", "notin", "0"};
      for (int i = rnd.nextInt(3); i > 0; i--) {
        labels.put("l" + words[rnd.nextInt(words.length)], words[rnd.nextInt(words.length)]);
      }
      for (int i = rnd.nextInt(4); i > 0; i--) {
        String key = "e" + words[rnd.nextInt(words.length)];
        Operator op = Operator.values()[rnd.nextInt(4)];
        if (op == Operator.In || op == Operator.NotIn) {
          exprs.add(LabelSelectorRequirement.of(key, op, words[rnd.nextInt(words.length)],
              words[rnd.nextInt(words.length)]));
        } else {
          exprs.add(LabelSelectorRequirement.of(key, op));
        }
      }
      LabelSelector s = new LabelSelector(labels, exprs);
      String text = s.isEmpty() ? "" : s.toString();
      assertThat(SelectorParser.parse(text)).as(text).isEqualTo(s);
    });
  }

  private static void assertError(String text, int column, String messagePart) {
    assertThatThrownBy(() -> SelectorParser.parse(text))
        .as(text)
        .isInstanceOfSatisfying(SelectorSyntaxException.class, e -> {
          assertThat(e.column()).as("column of error in '%s': %s", text, e.getMessage()).isEqualTo(column);
          assertThat(e.getMessage()).contains(messagePart).startsWith("column " + column + ":");
        });
  }
}
