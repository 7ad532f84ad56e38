package dev.netpolc.compiler.convert;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Names for converted objects: DNS-1123 subdomains (lower-case letters, digits, {@code -} and
 * {@code .}, alphanumeric at both ends, at most 253 characters), unique within one scope.
 */
final class ObjectNames {
  static final int MAX = 253;
  private final Set<String> taken = new HashSet<>();

  /** Reserves {@code name} as is (a name that must not change). False when it was taken already. */
  boolean reserve(String name) {
    return taken.add(name);
  }

  /** {@code wanted} sanitised, or with {@code -2}, {@code -3}, ... when taken; reserved. */
  String unique(String wanted) {
    String base = sanitise(wanted);
    if (taken.add(base)) {
      return base;
    }
    for (int i = 2; ; i++) {
      String suffix = "-" + i;
      String candidate = trimEnd(base.substring(0, Math.min(base.length(), MAX - suffix.length()))) + suffix;
      if (taken.add(candidate)) {
        return candidate;
      }
    }
  }

  /** {@code s} as a DNS-1123 subdomain: lower-cased, other characters as {@code -}, trimmed; never empty. */
  static String sanitise(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      sb.append(ok ? c : '-');
    }
    String out = sb.toString().replaceAll("\\.{2,}", ".").replaceAll("-*\\.-*", ".");
    out = trimEnd(trimStart(out));
    if (out.length() > MAX) {
      out = trimEnd(out.substring(0, MAX));
    }
    return out.isEmpty() ? "converted" : out;
  }

  private static String trimStart(String s) {
    int i = 0;
    while (i < s.length() && !Character.isLetterOrDigit(s.charAt(i))) {
      i++;
    }
    return s.substring(i);
  }

  private static String trimEnd(String s) {
    int i = s.length();
    while (i > 0 && !Character.isLetterOrDigit(s.charAt(i - 1))) {
      i--;
    }
    return s.substring(0, i);
  }
}
