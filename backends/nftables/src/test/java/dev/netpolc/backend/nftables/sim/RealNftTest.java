package dev.netpolc.backend.nftables.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser agrees with the real nft 1.0.6: what it accepts, {@code nft -c} accepts; what it
 * rejects, {@code nft -c} rejects, except the documented cases ({@code # nft-accepts:} lines);
 * and a ruleset loaded into the kernel and listed back by {@code nft list ruleset} parses and
 * decides every sample packet exactly as the original text does.
 */
class RealNftTest {

  private static Optional<RealNft> available = Optional.empty();
  private RealNft nft;

  @BeforeAll
  static void open() {
    available = RealNft.open();
  }

  @AfterAll
  static void close() {
    available.ifPresent(RealNft::close);
  }

  @BeforeEach
  void requireNft() {
    nft = RealNft.assumeAvailable(available);
  }

  static List<String> validFiles() {
    return Corpus.names("valid");
  }

  static List<InvalidCase> invalidFiles() {
    return Corpus.names("invalid").stream().map(InvalidCase::load).collect(Collectors.toList());
  }

  @ParameterizedTest
  @MethodSource("validFiles")
  void validFilesPassNftCheck(String name) {
    RealNft.Result r = nft.check(Corpus.dir("valid").resolve(name));
    assertThat(r.ok()).as(name + ": " + r.stderr()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("invalidFiles")
  void invalidFilesFailNftCheckUnlessDocumented(InvalidCase c) {
    RealNft.Result r = nft.check(Corpus.dir("invalid").resolve(c.name()));
    if (c.nftAccepts().isPresent()) {
      assertThat(r.ok()).as(c.name() + " is documented as accepted by nft: " + c.nftAccepts().get()
          + "; nft said: " + r.stderr()).isTrue();
    } else {
      assertThat(r.ok()).as(c.name() + " must be rejected by nft too").isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jump_loop.nft", "jump_depth_16.nft"})
  void checkModeMissesTheseButTheKernelRefusesToLoadThem(String name) {
    RealNft.Result r = nft.loadText(InvalidCase.load(name).text());
    assertThat(r.ok()).isFalse();
    assertThat(r.stderr()).contains("Too many links");
  }

  @Test
  void theKernelLoadsFifteenNestedJumps() {
    RealNft.Result r = nft.loadText(Corpus.text("valid", "jump_depth_15.nft"));
    assertThat(r.ok()).as(r.stderr()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("validFiles")
  void listedRulesetParsesAndDecidesLikeTheOriginal(String name) {
    RealNft.Result listed = nft.loadAndList(Corpus.dir("valid").resolve(name));
    assertThat(listed.ok()).as(listed.stderr()).isTrue();
    NftInterpreter original = new NftInterpreter(Corpus.valid(name));
    NftInterpreter roundTrip = new NftInterpreter(NftParser.parse(listed.stdout(), name + " (listed)"));
    List<String> differences = new ArrayList<>();
    for (Packet p : PacketSamples.all()) {
      for (CtState st : new CtState[] {CtState.NEW, CtState.ESTABLISHED}) {
        Packet q = p.withCtState(st);
        for (Hook h : Hook.values()) {
          Verdict a = original.evaluate(h, q);
          Verdict b = roundTrip.evaluate(h, q);
          if (a != b && differences.size() < 10) {
            differences.add(h + " " + q + ": original " + a + ", listed " + b);
          }
        }
      }
    }
    assertThat(differences).isEmpty();
  }
}
