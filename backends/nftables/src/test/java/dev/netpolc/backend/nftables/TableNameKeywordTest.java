package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.nftables.sim.NftKeywords;
import dev.netpolc.backend.nftables.sim.NftParser;
import dev.netpolc.backend.nftables.sim.NftSyntaxException;
import dev.netpolc.backend.nftables.sim.grammar.NftLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The backend checks table names against {@link NftKeywords} instead of parsing them with the
 * simulator (which would load ANTLR on every compile): these tests keep the two in step, so the
 * backend refuses exactly the names the simulator's parser refuses.
 */
class TableNameKeywordTest {

  /** The grammar's keyword tokens: literal names that are words, such as {@code 'counter'}. */
  private static List<String> lexerKeywords() {
    List<String> words = new ArrayList<>();
    for (int type = 1; type <= NftLexer.VOCABULARY.getMaxTokenType(); type++) {
      String literal = NftLexer.VOCABULARY.getLiteralName(type);
      if (literal != null && literal.matches("'[a-zA-Z][a-zA-Z0-9_-]*'")) {
        words.add(literal.substring(1, literal.length() - 1));
      }
    }
    return words;
  }

  private static boolean parserRefuses(String name) {
    try {
      NftParser.parse("table inet " + name + "\n", "table name");
      return false;
    } catch (NftSyntaxException e) {
      return true;
    }
  }

  private static boolean backendRefuses(String name) {
    try {
      NftablesBackend.checkTableName(name);
      return false;
    } catch (BackendException e) {
      return true;
    }
  }

  @Test
  void everyKeywordTokenOfTheGrammarIsReserved() {
    List<String> lexer = lexerKeywords();
    assertThat(lexer).hasSizeGreaterThan(50).contains("table", "counter", "auto-merge", "iifname");
    assertThat(NftKeywords.all()).containsAll(lexer);
  }

  @Test
  void backendRefusesExactlyTheNamesTheParserRefuses() {
    TreeSet<String> candidates = new TreeSet<>(NftKeywords.all());
    candidates.addAll(lexerKeywords());
    // Ordinary names, prefixes and extensions of keywords, case variants: all accepted by both.
    candidates.addAll(List.of("netpolc", "filter", "tab", "tables", "counters", "Table", "COUNTER", "ip4",
        "inet6", "x", "a_b", "drop_", "accept1"));
    List<String> disagreements = new ArrayList<>();
    for (String name : candidates) {
      if (backendRefuses(name) != parserRefuses(name)) {
        disagreements.add(name + " (backend refuses: " + backendRefuses(name) + ")");
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(backendRefuses("counter")).isTrue();
    assertThat(backendRefuses("netpolc")).isFalse();
  }

  @Test
  void keywordNameIsRefusedWithTheReason() {
    assertThatThrownBy(() -> NftablesBackend.checkTableName("meta"))
        .isInstanceOf(BackendException.class)
        .hasMessage("nftables: invalid table name 'meta': it is an nft keyword");
  }
}
