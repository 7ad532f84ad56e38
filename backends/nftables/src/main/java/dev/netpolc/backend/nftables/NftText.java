package dev.netpolc.backend.nftables;

/**
 * Makes input text (policy, namespace, pod and node names) safe to put in a ruleset: only
 * {@code [A-Za-z0-9 ._/:\[\]()=,-]} is kept, every other character becomes {@code _}, so no
 * quote, newline, backslash, brace, semicolon, {@code $} or {@code #} from input can reach the
 * nft parser; and lengths are cut to nft's limits, deterministically.
 */
final class NftText {
  private NftText() {}

  /** nft keeps at most 128 bytes of a comment. */
  static final int MAX_COMMENT = 128;
  /** The kernel's NF_LOG_PREFIXLEN is 128 bytes including the terminating NUL. */
  static final int MAX_LOG_PREFIX = 127;

  private static final String ELLIPSIS = "...";

  /** {@code text} with every character outside the safe set replaced by {@code _}. */
  static String sanitize(String text) {
    if (allSafe(text)) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    // By code point, so a surrogate pair becomes one replacement, not two.
    text.codePoints().forEach(cp -> sb.append(isSafe(cp) ? (char) cp : '_'));
    return sb.toString();
  }

  /** True when every character is kept verbatim (the common case: nothing to copy). */
  private static boolean allSafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!isSafe(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** True for the characters kept verbatim. */
  static boolean isSafe(int cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
        || " ._/:[]()=,-".indexOf(cp) >= 0;
  }

  /** A quoted comment: sanitised, cut to {@link #MAX_COMMENT} with a trailing {@code ...}. */
  static String comment(String text) {
    return quote(truncate(sanitize(text), MAX_COMMENT));
  }

  /** A quoted log prefix ending in {@code ": "}, sanitised and cut to {@link #MAX_LOG_PREFIX}. */
  static String logPrefix(String text) {
    return quote(truncate(sanitize(text), MAX_LOG_PREFIX - 2) + ": ");
  }

  /** {@code s} cut to {@code max} characters, the last three replaced by {@code ...} when cut. */
  static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    return s.substring(0, max - ELLIPSIS.length()) + ELLIPSIS;
  }

  private static String quote(String safe) {
    return '"' + safe + '"';
  }
}
