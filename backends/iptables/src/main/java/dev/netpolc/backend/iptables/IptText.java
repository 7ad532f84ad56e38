package dev.netpolc.backend.iptables;

/**
 * Makes input text (policy, namespace and pod names) safe to put in a restore file: only
 * {@code [A-Za-z0-9 ._/:\[\]()=,-]} is kept, every other character becomes {@code _}, so no quote,
 * newline, backslash, {@code $} or {@code #} from input reaches iptables-restore or a shell; and
 * lengths are cut to the kernel's limits, deterministically.
 */
final class IptText {
  private IptText() {}

  /** xt_comment keeps at most 255 bytes plus the terminating NUL. */
  static final int MAX_COMMENT = 255;
  /** xt_LOG keeps at most 29 bytes of prefix plus the terminating NUL. */
  static final int MAX_LOG_PREFIX = 29;

  private static final String ELLIPSIS = "...";

  /** {@code text} with every character outside the safe set replaced by {@code _}. */
  static String sanitize(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    // By code point, so a surrogate pair becomes one replacement, not two.
    text.codePoints().forEach(cp -> sb.append(isSafe(cp) ? (char) cp : '_'));
    return sb.toString();
  }

  /** True for the characters kept verbatim. */
  static boolean isSafe(int cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
        || " ._/:[]()=,-".indexOf(cp) >= 0;
  }

  /** A quoted comment: sanitised, cut to {@link #MAX_COMMENT} with a trailing {@code ...}. */
  static String comment(String text) {
    return '"' + truncate(sanitize(text), MAX_COMMENT) + '"';
  }

  /** A quoted log prefix ending in {@code ": "}, sanitised and cut to {@link #MAX_LOG_PREFIX}. */
  static String logPrefix(String text) {
    return '"' + truncate(sanitize(text), MAX_LOG_PREFIX - 2) + ": \"";
  }

  /** {@code s} cut to {@code max} characters, the last three replaced by {@code ...} when cut. */
  static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    return s.substring(0, max - ELLIPSIS.length()) + ELLIPSIS;
  }
}
