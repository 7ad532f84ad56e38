package dev.netpolc.backend.iptables.sim;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One ipset as the kernel holds it after a restore: {@code hash:ip}, {@code hash:net} or
 * {@code hash:net,net}, of one family, with entries that may be {@code nomatch}. A lookup finds
 * the most specific entry containing the key (for {@code hash:net,net}: first element, then
 * second); a {@code nomatch} entry found that way makes the lookup fail, as in the kernel.
 *
 * @param name    the set's name
 * @param type    the set type
 * @param v6      true for {@code family inet6}
 * @param skbinfo true when created with {@code skbinfo}: entries may carry an {@code skbmark}
 * @param entries the entries, in insertion order
 */
public record IpSet(String name, Type type, boolean v6, boolean skbinfo, List<Entry> entries) {

  /** The set types the simulator knows. */
  public enum Type {
    /** Single addresses; {@code src} or {@code dst}. */
    HASH_IP("hash:ip", 1),
    /** Networks; {@code src} or {@code dst}. */
    HASH_NET("hash:net", 1),
    /** Pairs of networks; {@code src,dst} or {@code dst,src}. */
    HASH_NET_NET("hash:net,net", 2);

    private final String text;
    private final int dimensions;

    Type(String text, int dimensions) {
      this.text = text;
      this.dimensions = dimensions;
    }

    /** The name ipset uses. */
    public String text() {
      return text;
    }

    /** How many addresses a key has. */
    public int dimensions() {
      return dimensions;
    }

    /** The type named {@code text}. */
    public static Optional<Type> of(String text) {
      for (Type t : values()) {
        if (t.text.equals(text)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * One entry.
   *
   * @param first   the (first) network
   * @param second  the second network of a {@code hash:net,net} entry
   * @param nomatch true for an exception entry
   * @param skbmark the {@code skbmark} of a {@code skbinfo} set's entry
   */
  public record Entry(Cidr first, Optional<Cidr> second, boolean nomatch, Optional<SkbMark> skbmark) {
    public Entry {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(second, "second");
      Objects.requireNonNull(skbmark, "skbmark");
    }
  }

  /**
   * An entry's {@code skbmark value/mask}: {@code -j SET --map-set ... --map-mark} sets the
   * packet mark to {@code (mark & ~mask) ^ value}, as xt_SET does.
   *
   * @param value the value
   * @param mask  the bits it replaces
   */
  public record SkbMark(int value, int mask) {
    /** The mark after mapping this entry onto {@code mark}. */
    public int apply(int mark) {
      return (mark & ~mask) ^ value;
    }
  }

  public IpSet {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    entries = ImmutableList.copyOf(entries);
  }

  /** True when the key ({@code keys.size() == type().dimensions()}) is in the set. */
  public boolean contains(List<IpAddress> keys) {
    return lookup(keys).isPresent();
  }

  /** The entry a lookup of the key finds (the most specific; none when that one is nomatch). */
  public Optional<Entry> lookup(List<IpAddress> keys) {
    Entry best = null;
    for (Entry e : entries) {
      if (!e.first().contains(keys.get(0))) {
        continue;
      }
      if (type.dimensions() == 2 && !e.second().orElseThrow().contains(keys.get(1))) {
        continue;
      }
      if (best == null || moreSpecific(e, best)) {
        best = e;
      }
    }
    return best == null || best.nomatch() ? Optional.empty() : Optional.of(best);
  }

  private static boolean moreSpecific(Entry a, Entry b) {
    if (a.first().prefix() != b.first().prefix()) {
      return a.first().prefix() > b.first().prefix();
    }
    int pa = a.second().map(Cidr::prefix).orElse(0);
    int pb = b.second().map(Cidr::prefix).orElse(0);
    if (pa != pb) {
      return pa > pb;
    }
    // Equal keys: the kernel keeps one entry; a nomatch one wins only when added as such.
    return a.nomatch() && !b.nomatch();
  }
}
