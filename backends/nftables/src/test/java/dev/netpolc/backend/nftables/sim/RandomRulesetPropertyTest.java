package dev.netpolc.backend.nftables.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.model.IpAddress;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random rulesets of the subset: rendered to text, parsed and interpreted, they decide random
 * packets exactly as a direct reading of the generated data does; and the real nft accepts them.
 */
class RandomRulesetPropertyTest {


  @Test
  void interpreterAgreesWithTheReferenceReading() {
    qt().withExamples(400).withFixedSeed(4242L).forAll(RandomRuleset.gen(), longs().all())
        .checkAssert((rs, seed) -> {
          NftInterpreter interpreter = new NftInterpreter(NftParser.parse(rs.render(), "random.nft"));
          Random r = new Random(seed);
          for (int i = 0; i < 100; i++) {
            Packet p = randomPacket(r);
            assertThat(interpreter.evaluate(Hook.FORWARD, p)).as("%s", p).isEqualTo(rs.decide(p));
          }
        });
  }

  @Test
  void realNftAcceptsRandomRulesets() {
    Optional<RealNft> available = RealNft.open();
    RealNft nft = RealNft.assumeAvailable(available);
    try {
      qt().withExamples(30).withFixedSeed(777L).forAll(RandomRuleset.gen()).checkAssert(rs -> {
        RealNft.Result res = nft.checkText(rs.render());
        assertThat(res.ok()).as(res.stderr()).isTrue();
      });
    } finally {
      nft.close();
    }
  }

  private static Packet randomPacket(Random r) {
    CtState st = CtState.values()[r.nextInt(CtState.values().length)];
    if (r.nextInt(10) == 0) {
      return new Packet(IpAddress.parse("fd00::1"), IpAddress.parse("fd00::2"), r.nextBoolean() ? 6 : 58,
          OptionalInt.empty(), r.nextInt(RandomRuleset.PORTS), st, Optional.empty(), Optional.empty());
    }
    int proto = new int[] {6, 17, 1}[r.nextInt(3)];
    int port = proto == 1 ? 0 : r.nextInt(RandomRuleset.PORTS);
    IpAddress src = IpAddress.v4(RandomRuleset.BASE + r.nextInt(RandomRuleset.ADDRS + 64) - 32);
    IpAddress dst = IpAddress.v4(RandomRuleset.BASE + r.nextInt(RandomRuleset.ADDRS + 64) - 32);
    return new Packet(src, dst, proto, OptionalInt.empty(), port, st, Optional.empty(), Optional.empty());
  }
}
