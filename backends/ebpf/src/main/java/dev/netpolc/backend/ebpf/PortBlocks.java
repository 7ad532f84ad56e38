package dev.netpolc.backend.ebpf;

import java.util.ArrayList;
import java.util.List;

/**
 * Port ranges as LPM prefixes: the minimal cover of a range by aligned power-of-two blocks,
 * each a port and a number of significant port bits (16 = one port, 0 = all 65,536).
 */
public final class PortBlocks {
  private PortBlocks() {}

  /**
   * One aligned block of ports.
   *
   * @param first the first port; its low {@code 16 - bits} bits are zero
   * @param bits  the significant port bits, 0..16
   */
  public record Block(int first, int bits) {
    public Block {
      if (bits < 0 || bits > 16 || first < 0 || first > 65535 || (first & (0xFFFF >>> bits)) != 0) {
        throw new IllegalArgumentException("not an aligned port block: " + first + "/" + bits);
      }
    }

    /** The last port of the block. */
    public int last() {
      return first + (1 << (16 - bits)) - 1;
    }
  }

  /** The minimal cover of {@code from..to} (0 ≤ from ≤ to ≤ 65535), ascending. */
  public static List<Block> cover(int from, int to) {
    if (from < 0 || to > 65535 || from > to) {
      throw new IllegalArgumentException("bad port range " + from + "-" + to);
    }
    List<Block> out = new ArrayList<>();
    int cur = from;
    while (cur <= to) {
      // The largest block aligned at cur that ends at or before to.
      int size = cur == 0 ? 1 << 16 : Integer.lowestOneBit(cur);
      while (cur + size - 1 > to) {
        size >>= 1;
      }
      out.add(new Block(cur, 16 - Integer.numberOfTrailingZeros(size)));
      cur += size;
    }
    return out;
  }
}
