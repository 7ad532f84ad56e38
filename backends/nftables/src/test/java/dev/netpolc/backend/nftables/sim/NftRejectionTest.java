package dev.netpolc.backend.nftables.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file of sim/invalid is rejected at the line, column and with the reason its header names. */
class NftRejectionTest {

  static List<InvalidCase> invalidFiles() {
    return Corpus.names("invalid").stream().map(InvalidCase::load).collect(Collectors.toList());
  }

  @ParameterizedTest
  @MethodSource("invalidFiles")
  void rejectedAtTheExpectedPosition(InvalidCase c) {
    NftSyntaxException e = catchThrowableOfType(NftSyntaxException.class, () -> NftParser.parse(c.text(), c.name()));
    assertThat(e).as(c.name() + " must be rejected").isNotNull();
    assertThat(e.position().file()).isEqualTo(c.name());
    assertThat(e.position().line() + ":" + e.position().column()).as(e.getMessage())
        .isEqualTo(c.line() + ":" + c.column());
    assertThat(e.reason()).contains(c.fragment());
    assertThat(e.getMessage()).startsWith(c.name() + ":" + c.line() + ":" + c.column() + ": ");
  }

  @Test
  void theCorpusCoversEveryStrictnessRule() {
    assertThat(Corpus.names("invalid")).hasSizeGreaterThanOrEqualTo(50);
  }

  @Test
  void errorAtEndOfFileIsReported() {
    NftSyntaxException e = catchThrowableOfType(NftSyntaxException.class,
        () -> NftParser.parse("table inet x {\n  chain c {\n", "eof.nft"));
    assertThat(e.reason()).contains("end of file");
    assertThat(e.position().line()).isEqualTo(3);
  }

  @Test
  void junkCharacterIsASyntaxError() {
    NftSyntaxException e = catchThrowableOfType(NftSyntaxException.class,
        () -> NftParser.parse("table inet x {\n  chain c {\n    ip saddr 10.0.0.1 ^ accept\n  }\n}\n", "junk.nft"));
    assertThat(e.position().line()).isEqualTo(3);
    assertThat(e.position().column()).isEqualTo(23);
  }
}
