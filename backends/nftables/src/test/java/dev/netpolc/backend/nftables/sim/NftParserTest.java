package dev.netpolc.backend.nftables.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.netpolc.model.IpAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NftParserTest {

  static List<String> validFiles() {
    return Corpus.names("valid");
  }

  @ParameterizedTest
  @MethodSource("validFiles")
  void everyValidCorpusFileParses(String name) {
    assertThatCode(() -> Corpus.valid(name)).doesNotThrowAnyException();
  }

  @Test
  void syntaxErrorsShowControlCharactersOfTheInputAsQuestionMarks() {
    // Found by NftRulesetFuzzTest: the reason quoted a NUL (or an ESC) of the input raw.
    for (String junk : List.of("\0\0", "\u001b[31m")) {
      NftSyntaxException e = org.junit.jupiter.api.Assertions.assertThrows(NftSyntaxException.class,
          () -> NftParser.parse("table inet t {\n  chain c {\n  " + junk + "\n  }\n}\n", "f.nft"));
      assertThat(e.getMessage()).startsWith("f.nft:3:").doesNotContainPattern("\\p{Cntrl}");
      assertThat(e.reason()).doesNotContainPattern("\\p{Cntrl}");
    }
  }

  @Test
  void exampleBuildsTheExpectedModel() {
    Ruleset rs = Corpus.valid("example.nft");
    assertThat(rs.tables()).hasSize(1);
    Table t = rs.table(Family.INET, "netpolc").orElseThrow();
    assertThat(t.comment()).contains("netpolc test ruleset");
    assertThat(t.sets()).extracting(NftSet::name)
        .containsExactly("a_1f3e", "p_77", "q_2", "ep_in4", "ep_out4", "ep_in6");
    NftSet p77 = t.set("p_77").orElseThrow();
    assertThat(p77.keyTypes()).containsExactly(KeyType.IPV4_ADDR, KeyType.INET_PROTO, KeyType.INET_SERVICE);
    assertThat(p77.interval()).isTrue();
    assertThat(p77.elements()).hasSize(2);
    assertThat(p77.elements().get(0).key().get(2))
        .isEqualTo(new KeyRange(Value128.of(80), Value128.of(81)));
    NftSet q2 = t.set("q_2").orElseThrow();
    assertThat(q2.typeof()).containsExactly(Selector.META_L4PROTO, Selector.TH_DPORT);
    NftSet a = t.set("a_1f3e").orElseThrow();
    assertThat(a.comment()).contains("x/p ingress[0] peers");
    assertThat(a.elements().get(0).key().get(0)).isEqualTo(new KeyRange(
        Selector.address(IpAddress.parse("198.18.0.0")), Selector.address(IpAddress.parse("198.18.0.255"))));
    NftSet map = t.set("ep_in4").orElseThrow();
    assertThat(map.map()).isTrue();
    assertThat(map.elements().get(1).verdict())
        .contains(new VerdictStatement(VerdictStatement.Kind.GOTO, Optional.of("g_2_in")));

    Chain forward = t.chain("forward").orElseThrow();
    assertThat(forward.base()).contains(new BaseChainSpec("filter", Hook.FORWARD, 0, VerdictStatement.Kind.ACCEPT));
    assertThat(forward.rules()).hasSize(4);
    assertThat(forward.rules().get(0).position().line()).isEqualTo(13);
    Chain g1 = t.chain("g_1_in").orElseThrow();
    assertThat(g1.base()).isEmpty();
    Rule r = g1.rules().get(1);
    assertThat(r.comment()).contains("x/p ingress[0]");
    assertThat(r.statements()).hasSize(4);
    assertThat(r.statements().get(2)).isEqualTo(new CounterStatement(0, 0));
    MatchStatement concat = (MatchStatement) r.statements().get(1);
    assertThat(concat.selectors()).containsExactly(Selector.META_L4PROTO, Selector.TH_DPORT);
    assertThat(concat.values()).isEqualTo(new SetSource.Named("q_2"));
    LogStatement log = (LogStatement) g1.rules().get(4).statements().get(0);
    assertThat(log.prefix()).contains("np drop x/a: ");
    assertThat(log.level()).contains("info");
    MatchStatement neg = (MatchStatement) t.chain("g_3_out").orElseThrow().rules().get(0).statements().get(0);
    assertThat(neg.negated()).isTrue();
  }

  @Test
  void listingFormParsesWithItsOwnLineBreaksAndCounters() {
    Table t = Corpus.valid("listing.nft").tables().get(0);
    NftSet a = t.set("a_1").orElseThrow();
    assertThat(a.constant()).isTrue();
    assertThat(a.autoMerge()).isTrue();
    assertThat(a.elements()).hasSize(3);
    Chain fwd = t.chain("forward").orElseThrow();
    assertThat(fwd.base().orElseThrow().policy()).isEqualTo(VerdictStatement.Kind.DROP);
    Rule last = fwd.rules().get(2);
    assertThat(last.statements()).contains(new CounterStatement(12, 3456));
  }

  @Test
  void deleteTableRemovesWhatWasDefinedBefore() {
    Ruleset rs = NftParser.parse("table ip a { chain c { accept; }; }\ndelete table ip a\ntable ip a\n", "t.nft");
    assertThat(rs.tables()).hasSize(1);
    assertThat(rs.tables().get(0).chains()).isEmpty();
  }

  @Test
  void flushTableKeepsChainsAndSetsButDropsRules() {
    Ruleset rs = NftParser.parse("table inet a {\n set s { type ipv4_addr; elements = { 10.0.0.1 }; }\n"
        + " chain c { ip saddr @s accept; }\n}\nflush table inet a\n", "t.nft");
    Table t = rs.tables().get(0);
    assertThat(t.chain("c").orElseThrow().rules()).isEmpty();
    assertThat(t.set("s").orElseThrow().elements()).hasSize(1);
  }

  @Test
  void tableWithoutFamilyIsIp() {
    Ruleset rs = NftParser.parse("table x { chain c { ip saddr 1.2.3.4; }; }", "t.nft");
    assertThat(rs.tables().get(0).family()).isEqualTo(Family.IP);
  }

  @Test
  void numbersFollowNftsScannerHexAndOctal() {
    Ruleset rs = NftParser.parse("table inet x {\n chain c {\n tcp dport 0x50 accept\n tcp dport 010 accept\n }\n}\n", "t.nft");
    Chain c = rs.tables().get(0).chain("c").orElseThrow();
    assertThat(((SetSource.Anonymous) ((MatchStatement) c.rules().get(0).statements().get(0)).values())
        .elements().get(0).key().get(0)).isEqualTo(KeyRange.single(Value128.of(80)));
    assertThat(((SetSource.Anonymous) ((MatchStatement) c.rules().get(1).statements().get(0)).values())
        .elements().get(0).key().get(0)).isEqualTo(KeyRange.single(Value128.of(8)));
  }

  @Test
  void parsingIsDeterministic() {
    String text = Corpus.text("valid", "example.nft");
    assertThat(NftParser.parse(text, "a.nft")).isEqualTo(NftParser.parse(text, "a.nft"));
  }
}
