package dev.netpolc.backend.ebpf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Numbers derived from names, so that a number survives changes that do not touch what it
 * names: each item has a 64-bit key (a hash of its canonical names) whose mix gives a home slot
 * in {@code [0, size)}; items take their home slot or, on a collision, the next free one
 * (linear probing in the order home slot, key, item position). Adding or removing one item
 * moves at most the items of its probe run, which at the loads used here (at most a few
 * hundred thousand items in 2^24 or 2^32 − 1 slots) is almost always none. Same items in, same
 * numbers out: no state is kept between compiles.
 */
final class StableNumbers {
  private StableNumbers() {}

  /** A 64-bit hash of {@code name} (FNV-1a over its UTF-8 bytes, then {@link #mix}). */
  static long hash(String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** The MurmurHash3 finaliser: every input bit affects every output bit. */
  static long mix(long z) {
    z ^= z >>> 33;
    z *= 0xff51afd7ed558ccdL;
    z ^= z >>> 33;
    z *= 0xc4ceb9fe1a85ec53L;
    z ^= z >>> 33;
    return z;
  }

  /** The slot in {@code [0, size)} that {@code key} takes when no other item holds it. */
  static long home(long key, long size) {
    return Long.remainderUnsigned(mix(key ^ 0x9e3779b97f4a7c15L), size);
  }

  /**
   * One number in {@code [0, size)} per key, all different.
   *
   * @param keys the items' keys; equal keys are told apart by position
   * @param size the number of slots, at least {@code keys.length}
   */
  static int[] allocate(long[] keys, long size) {
    if (keys.length > size) {
      throw new IllegalArgumentException(keys.length + " items do not fit " + size + " numbers");
    }
    int n = keys.length;
    long[] home = new long[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      home[i] = home(keys[i], size);
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Long.compare(home[a], home[b]);
      if (c == 0) {
        c = Long.compareUnsigned(keys[a], keys[b]);
      }
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] out = new int[n];
    long next = 0; // the lowest slot not yet taken above the previous item's
    int wrapped = 0;
    int[] overflow = new int[n];
    for (int i : order) {
      long slot = Math.max(home[i], next);
      if (slot >= size) {
        overflow[wrapped++] = i; // past the last slot: wraps to the lowest free ones below
        continue;
      }
      out[i] = (int) slot;
      next = slot + 1;
    }
    if (wrapped > 0) {
      long[] taken = new long[n - wrapped];
      int t = 0;
      for (int i : order) {
        if (t < taken.length && !contains(overflow, wrapped, i)) {
          taken[t++] = Integer.toUnsignedLong(out[i]);
        }
      }
      Arrays.sort(taken);
      long slot = 0;
      int k = 0;
      for (int w = 0; w < wrapped; w++) {
        while (k < taken.length && taken[k] == slot) {
          k++;
          slot++;
        }
        out[overflow[w]] = (int) slot++;
      }
    }
    return out;
  }

  private static boolean contains(int[] a, int n, int x) {
    for (int i = 0; i < n; i++) {
      if (a[i] == x) {
        return true;
      }
    }
    return false;
  }
}
