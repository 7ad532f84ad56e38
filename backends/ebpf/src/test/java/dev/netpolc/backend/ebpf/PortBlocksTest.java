package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Port ranges become the minimal cover by aligned blocks: the blocks are aligned, ascending,
 * adjacent, cover exactly the range, and no two neighbours could merge into one aligned block;
 * and the README's entry costs hold.
 */
class PortBlocksTest {

  @Test
  void coversExactlyAndMinimally() {
    qt().withExamples(3000).forAll(integers().between(0, 65535), integers().between(0, 65535)).checkAssert((x, y) -> {
      int from = Math.min(x, y);
      int to = Math.max(x, y);
      List<PortBlocks.Block> blocks = PortBlocks.cover(from, to);
      assertThat(blocks.get(0).first()).isEqualTo(from);
      assertThat(blocks.get(blocks.size() - 1).last()).isEqualTo(to);
      for (int i = 1; i < blocks.size(); i++) {
        PortBlocks.Block a = blocks.get(i - 1);
        PortBlocks.Block b = blocks.get(i);
        assertThat(b.first()).isEqualTo(a.last() + 1);
        boolean buddies = a.bits() == b.bits() && a.bits() > 0 && (a.first() & (1 << (16 - a.bits()))) == 0;
        assertThat(buddies).as("%s and %s merge into one block", a, b).isFalse();
      }
      // A cover of one range needs at most two blocks per bit level.
      assertThat(blocks.size()).isLessThanOrEqualTo(32);
    });
  }

  @Test
  void entryCostsOfTheReadme() {
    assertThat(PortBlocks.cover(80, 80)).containsExactly(new PortBlocks.Block(80, 16));
    assertThat(PortBlocks.cover(1, 65535)).hasSize(16);
    assertThat(PortBlocks.cover(0, 65535)).containsExactly(new PortBlocks.Block(0, 0));
    assertThat(PortBlocks.cover(8000, 8010)).containsExactly(new PortBlocks.Block(8000, 13),
        new PortBlocks.Block(8008, 15), new PortBlocks.Block(8010, 16));
    assertThat(PortBlocks.cover(1024, 65535)).hasSize(6);
  }
}
