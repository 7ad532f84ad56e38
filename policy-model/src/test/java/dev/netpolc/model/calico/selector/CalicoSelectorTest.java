package dev.netpolc.model.calico.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.calico.selector.CalicoSelector.And;
import dev.netpolc.model.calico.selector.CalicoSelector.Compare;
import dev.netpolc.model.calico.selector.CalicoSelector.Has;
import dev.netpolc.model.calico.selector.CalicoSelector.In;
import dev.netpolc.model.calico.selector.CalicoSelector.Not;
import dev.netpolc.model.calico.selector.CalicoSelector.NotIn;
import dev.netpolc.model.calico.selector.CalicoSelector.Operator;
import dev.netpolc.model.selector.SelectorSyntaxException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CalicoSelectorTest {

  @Test
  void operatorWordsAreLabelNamesWhereNoOperatorMayStand() {
    assertThat(CalicoSelector.parse("not in {\"a\"}")).isEqualTo(In.of("not", List.of("a")));
    assertThat(CalicoSelector.parse("in in {'x'}")).isEqualTo(In.of("in", List.of("x")));
    assertThat(CalicoSelector.parse("has(contains) && all == 'x'"))
        .isEqualTo(And.of(new Has("contains"), new Compare("all", Operator.EQUALS, "x")));
    assertThat(CalicoSelector.parse("a notin {\"x\"}")).isEqualTo(NotIn.of("a", List.of("x")));
    assertThat(CalicoSelector.parse("a\tnot\t in {}")).isEqualTo(NotIn.of("a", List.of()));
    assertThat(CalicoSelector.parse("a  ends\twith \"z\"")).isEqualTo(new Compare("a", Operator.ENDS_WITH, "z"));
  }

  @Test
  void setsTakeATrailingCommaAndSortByCodePoint() {
    assertThat(CalicoSelector.parse("a in {\"x\",}")).isEqualTo(In.of("a", List.of("x")));
    // Code-point (UTF-8 byte) order puts U+1D518 after U+FFFD; UTF-16 order would not.
    assertThat(CalicoSelector.parse("a in {'\uD835\uDD18', '\uFFFD', 'é', 'z', 'Z'}").toString())
        .isEqualTo("a in {\"Z\", \"z\", \"é\", \"\uFFFD\", \"\uD835\uDD18\"}");
    assertThatThrownBy(() -> CalicoSelector.parse("a in {,}")).isInstanceOf(SelectorSyntaxException.class)
        .hasMessageStartingWith("column 7:");
  }

  @Test
  void negationsFoldAsCalicoFoldsThem() {
    assertThat(CalicoSelector.parse("!!has(a)")).isEqualTo(new Has("a"));
    assertThat(CalicoSelector.parse("!(!has(a))")).isEqualTo(new Has("a"));
    assertThat(CalicoSelector.parse("!a == 'b'")).isEqualTo(new Not(new Compare("a", Operator.EQUALS, "b")));
    assertThatThrownBy(() -> new Not(new Not(new Has("a")))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void absentLabelsSatisfyOnlyTheNegativeComparisons() {
    Map<String, String> none = Map.of();
    assertThat(CalicoSelector.parse("a != 'x'").matches(none)).isTrue();
    assertThat(CalicoSelector.parse("a not in {'x'}").matches(none)).isTrue();
    assertThat(CalicoSelector.parse("a contains ''").matches(none)).isFalse();
    assertThat(CalicoSelector.parse("a starts with ''").matches(Map.of("a", "v"))).isTrue();
    assertThat(CalicoSelector.parse("a in {}").matches(Map.of("a", ""))).isFalse();
  }

  @Test
  void errorsNameTheColumnOfTheOffendingCharacter() {
    assertError("a == \"b\" && %", 13, "unexpected character '%'");
    assertError("\"FOO", 1, "unterminated string starting with \"");
    assertError("has (a)", 5, "expected one of '==', '!=', 'contains', 'starts with', 'ends with', 'not in', 'in'");
    assertError("a squiggles 'v'", 3, "after a label");
    // Calico's whitespace is spaces and tabs: a line break inside a selector is an error.
    assertError("a == 'b'\n&& has(c)", 9, "unexpected character '\\u000a'");
    assertError("has(foo) &&", 12, "but found the end of the selector");
    // Columns count code points, as file positions do.
    assertError("a == '\uD835\uDD18' %", 10, "unexpected character '%'");
  }

  @Test
  void recordsRefuseWhatNoSelectorTextCanSay() {
    assertThatThrownBy(() -> new Has("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Compare("a", Operator.EQUALS, "it's \"x\""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new And(ImmutableList.of(new Has("a")))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> In.of("a", List.of("'", "\"\"'"))).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertError(String text, int column, String fragment) {
    assertThatThrownBy(() -> CalicoSelector.parse(text)).isInstanceOf(SelectorSyntaxException.class)
        .hasMessageContaining(fragment)
        .satisfies(e -> assertThat(((SelectorSyntaxException) e).column()).isEqualTo(column))
        .hasMessageStartingWith("column " + column + ":");
  }
}
