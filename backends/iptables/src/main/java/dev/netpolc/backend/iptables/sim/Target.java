package dev.netpolc.backend.iptables.sim;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Optional;

/**
 * What a matching rule does.
 *
 * @param kind   the kind
 * @param chain  the chain of a jump or goto
 * @param effect    what a {@link Kind#MARK} or {@link Kind#SET} target does to the packet mark
 * @param logPrefix the {@code --log-prefix} of a {@link Kind#LOG} target, unquoted
 */
public record Target(Kind kind, Optional<String> chain, Optional<MarkEffect> effect, Optional<String> logPrefix) {

  /** A target that leaves the mark alone. */
  public Target(Kind kind, Optional<String> chain) {
    this(kind, chain, Optional.empty(), Optional.empty());
  }

  /** A target without a log prefix. */
  public Target(Kind kind, Optional<String> chain, Optional<MarkEffect> effect) {
    this(kind, chain, effect, Optional.empty());
  }

  /** A change of the packet mark. */
  public sealed interface MarkEffect {
    /** The mark after the change, for packet {@code p} carrying {@code mark}. */
    int apply(int mark, Packet p);
  }

  /** {@code -j MARK --set-xmark value/mask}: zero the mask bits, then XOR the value. */
  public record SetXmark(int value, int mask) implements MarkEffect {
    @Override
    public int apply(int mark, Packet p) {
      return (mark & ~mask) ^ value;
    }
  }

  /**
   * {@code -j SET --map-set NAME src|dst --map-mark}: on a hit, the entry's {@code skbmark}
   * applies; a miss (or an entry without one) leaves the mark.
   */
  public record MapMark(IpSet set, List<Boolean> source) implements MarkEffect {
    public MapMark {
      source = ImmutableList.copyOf(source);
    }

    @Override
    public int apply(int mark, Packet p) {
      List<dev.netpolc.model.IpAddress> keys = source.stream().map(s -> s ? p.src() : p.dst()).toList();
      if (!keys.stream().allMatch(k -> k.v6() == set.v6())) {
        return mark;
      }
      return set.lookup(keys).flatMap(IpSet.Entry::skbmark).map(m -> m.apply(mark)).orElse(mark);
    }
  }

  /** Target kinds. */
  public enum Kind {
    /** Accept: leaves the table. */
    ACCEPT,
    /** Drop: final. */
    DROP,
    /** Reject: final. */
    REJECT,
    /** Back to the calling chain (the policy in a built-in chain). */
    RETURN,
    /** Log and continue. */
    LOG,
    /** Change the packet mark and continue. */
    MARK,
    /** ipset target: here only {@code --map-set ... --map-mark}, which changes the mark; continue. */
    SET,
    /** Call a user chain. */
    JUMP,
    /** Continue in a user chain without coming back here. */
    GOTO,
    /** No target: only counts. */
    NONE
  }

  /** A target without a chain. */
  public static Target of(Kind kind) {
    return new Target(kind, Optional.empty());
  }
}
