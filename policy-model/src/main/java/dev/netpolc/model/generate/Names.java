package dev.netpolc.model.generate;

import java.util.Random;
import java.util.Set;

/** Random object-name suffixes in the style of Kubernetes' {@code rand.String} (no vowels, no 0/1/3). */
final class Names {
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private Names() {}

  /** {@code length} random characters. */
  static String random(Random r, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET.charAt(r.nextInt(ALPHABET.length()));
    }
    return new String(out);
  }

  /** {@code prefix} plus random characters, not yet in {@code taken} (which it is added to). */
  static String unique(Random r, String prefix, int length, Set<String> taken) {
    while (true) {
      String name = prefix + random(r, length);
      if (taken.add(name)) {
        return name;
      }
    }
  }
}
