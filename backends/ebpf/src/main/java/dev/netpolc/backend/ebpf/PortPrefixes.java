package dev.netpolc.backend.ebpf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fewest port blocks (aligned power-of-two prefixes of the 16-bit port, as np_policy keys
 * hold them) whose longest-prefix match gives a target value on every port, where a port that
 * no block covers takes a given fall-through value instead (what the datapath's next lookup
 * gives). Exact by dynamic programming over the binary trie of ports: a trie node either has
 * no entry (its ports inherit from the nearest ancestor entry, or fall through) or one entry of
 * one of the target's values under it; only nodes where the target is not uniform branch, so the
 * work grows with the target's breakpoints, not with the 65,536 ports.
 *
 * <p>Compared with covering each run of equal values separately, nesting states a wide block
 * once with its exceptions inside: allowing every TCP port (1–65535, port 0 refused) under a
 * deny default is {@code 0/0 allow} plus {@code 0/16 deny}, 2 entries instead of 16.
 */
final class PortPrefixes {
  private PortPrefixes() {}

  /**
   * The blocks, ascending by first port then size, each with its value, such that for every
   * port the longest covering block's value, or {@code fallthrough}'s value when none covers,
   * equals {@code target}'s. Neither function may be undefined anywhere.
   */
  static <V> List<Map.Entry<PortBlocks.Block, V>> minimal(PortSteps<V> target, PortSteps<V> fallthrough) {
    Solver<V> s = new Solver<>(target, fallthrough);
    s.cost(0, 0, null);
    List<Map.Entry<PortBlocks.Block, V>> out = new ArrayList<>();
    s.emit(0, 0, null, out);
    out.sort(Comparator.comparingInt((Map.Entry<PortBlocks.Block, V> e) -> e.getKey().first())
        .thenComparingInt(e -> e.getKey().bits()));
    return out;
  }

  /** What longest-prefix match over {@code blocks} gives per port: null where no block covers. */
  static <V> PortSteps<V> resolve(List<Map.Entry<PortBlocks.Block, V>> blocks) {
    List<Integer> cuts = new ArrayList<>(List.of(0));
    for (Map.Entry<PortBlocks.Block, V> b : blocks) {
      cuts.add(b.getKey().first());
      if (b.getKey().last() < 65535) {
        cuts.add(b.getKey().last() + 1);
      }
    }
    cuts = cuts.stream().distinct().sorted().toList();
    PortSteps.Builder<V> out = PortSteps.builder();
    for (int cut : cuts) {
      V best = null;
      int bestBits = -1;
      for (Map.Entry<PortBlocks.Block, V> b : blocks) {
        if (b.getKey().first() <= cut && cut <= b.getKey().last() && b.getKey().bits() > bestBits) {
          best = b.getValue();
          bestBits = b.getKey().bits();
        }
      }
      out.add(cut, best);
    }
    return out.build();
  }

  /** The dynamic programme; a trie node is (first port, significant bits). */
  private static final class Solver<V> {
    private final PortSteps<V> target;
    private final PortSteps<V> fallthrough;
    /** (node, inherited value) → cost and choice: the value put at the node, or none. */
    private final Map<Key, Result<V>> memo = new HashMap<>();

    Solver(PortSteps<V> target, PortSteps<V> fallthrough) {
      this.target = target;
      this.fallthrough = fallthrough;
    }

    private record Key(int first, int bits, Object inherited) {}

    /** The least entries under the node; {@code put} is the entry at the node, null for none. */
    private record Result<V>(int cost, V put) {}

    int cost(int first, int bits, V inherited) {
      Key k = new Key(first, bits, inherited);
      Result<V> r = memo.get(k);
      if (r == null) {
        r = solve(first, bits, inherited);
        memo.put(k, r);
      }
      return r.cost();
    }

    private Result<V> solve(int first, int bits, V inherited) {
      int last = first + (1 << (16 - bits)) - 1;
      if (target.uniform(first, last)) {
        V want = target.at(first);
        boolean right = inherited != null ? inherited.equals(want)
            : fallthrough.uniform(first, last) && want.equals(fallthrough.at(first));
        // A uniform target needs at most this one entry: any split would need one somewhere too.
        return right ? new Result<>(0, null) : new Result<>(1, want);
      }
      int half = 1 << (15 - bits);
      Result<V> best = new Result<>(cost(first, bits + 1, inherited) + cost(first + half, bits + 1, inherited), null);
      for (V v : target.valuesIn(first, last)) {
        int c = 1 + cost(first, bits + 1, v) + cost(first + half, bits + 1, v);
        if (c < best.cost()) {
          best = new Result<>(c, v);
        }
      }
      return best;
    }

    void emit(int first, int bits, V inherited, List<Map.Entry<PortBlocks.Block, V>> out) {
      Result<V> r = memo.get(new Key(first, bits, inherited));
      V here = inherited;
      if (r.put() != null) {
        out.add(Map.entry(new PortBlocks.Block(first, bits), r.put()));
        here = r.put();
      }
      if (r.cost() == 0 || bits == 16 || target.uniform(first, first + (1 << (16 - bits)) - 1)) {
        return;
      }
      int half = 1 << (15 - bits);
      emit(first, bits + 1, here, out);
      emit(first + half, bits + 1, here, out);
    }
  }
}
