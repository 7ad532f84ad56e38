package dev.netpolc.model.yaml;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Makes strings from ranges of an ASCII text and hands out the same instance for text it has
 * seen recently. Manifests repeat their keys and most values ({@code apiVersion}, label
 * values, node names) thousands of times; sharing them saves memory and lets later stages
 * compare by identity first. A small direct-mapped table keeps the cost bounded whatever the
 * input: a miss simply replaces the slot. Short keys are also interned, so that they are the
 * very constants the binders look them up with.
 */
final class StringCache {
  private static final int MAX_SLOTS = 1 << 12;
  /** Longer text is not worth hashing: it rarely repeats. */
  private static final int MAX_CACHED = 48;

  private final byte[] text;
  private final int mask;
  private final byte[][] valueBytes;
  private final String[] values;
  private final byte[][] keyBytes;
  private final String[] keys;

  /** A cache for strings of {@code text}, sized for the {@code length} bytes that will be read. */
  StringCache(byte[] text, int length) {
    this.text = text;
    int slots = Math.min(MAX_SLOTS, Integer.highestOneBit(Math.max(64, length / 64)));
    this.mask = slots - 1;
    this.valueBytes = new byte[slots][];
    this.values = new String[slots];
    this.keyBytes = new byte[slots][];
    this.keys = new String[slots];
  }

  /** The string of {@code text[from, to)}. */
  String get(int from, int to) {
    int length = to - from;
    if (length > MAX_CACHED) {
      return new String(text, from, length, StandardCharsets.ISO_8859_1);
    }
    return lookup(from, to, valueBytes, values, false);
  }

  /** The string of the mapping key {@code text[from, to)}, interned. */
  String key(int from, int to) {
    if (to - from > MAX_CACHED) {
      return new String(text, from, to - from, StandardCharsets.ISO_8859_1);
    }
    return lookup(from, to, keyBytes, keys, true);
  }

  private String lookup(int from, int to, byte[][] bytes, String[] strings, boolean intern) {
    // The length and four sampled bytes (first, middle, last, three quarters) pick the slot:
    // cheap whatever the length, and enough to spread keys and values; the comparison decides.
    int length = to - from;
    int h = length == 0 ? 0 : length * 0x9E3779B1 + text[from] * 961 + text[to - 1] * 31
        + text[from + (length >> 1)] + (text[to - 1 - (length >> 2)] << 7);
    int slot = (h ^ (h >>> 15)) & mask;
    byte[] b = bytes[slot];
    if (b != null && Arrays.equals(b, 0, b.length, text, from, to)) {
      return strings[slot];
    }
    String s = new String(text, from, to - from, StandardCharsets.ISO_8859_1);
    if (intern) {
      s = s.intern();
    }
    bytes[slot] = Arrays.copyOfRange(text, from, to);
    strings[slot] = s;
    return s;
  }
}
