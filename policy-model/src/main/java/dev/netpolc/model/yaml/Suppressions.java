package dev.netpolc.model.yaml;

import com.google.common.collect.ImmutableSortedSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The inline suppressions of one file: comments {@code # netpolc: disable=NP212,NP303}. Jackson
 * drops comments, so this scans the raw text once; files without the marker cost one
 * {@code indexOf}. A comment applies to the object whose line range holds it, or to the object
 * right below it (through any run of comment-only lines, such as Helm's {@code # Source:}).
 */
final class Suppressions {
  private static final String MARKER = "netpolc:";
  private static final String DISABLE = "disable=";
  private static final byte CODE = 0;
  private static final byte COMMENT = 1;
  private static final byte BLANK = 2;
  static final Suppressions NONE = new Suppressions(new TreeMap<>(), new byte[0]);

  private final TreeMap<Integer, List<String>> byLine;
  /** Per 1-based line: CODE, COMMENT (only a comment) or BLANK. */
  private final byte[] lineKind;

  private Suppressions(TreeMap<Integer, List<String>> byLine, byte[] lineKind) {
    this.byLine = byLine;
    this.lineKind = lineKind;
  }

  /** Scans {@code text} for suppression comments. */
  static Suppressions scan(String text) {
    if (text.indexOf(MARKER) < 0) {
      return NONE;
    }
    TreeMap<Integer, List<String>> byLine = new TreeMap<>();
    List<Byte> kinds = new ArrayList<>();
    kinds.add(CODE); // index 0 is no line
    int line = 1;
    int start = 0;
    int n = text.length();
    while (start <= n) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = n;
      }
      int first = skipSpaces(text, start, end);
      kinds.add(first == end ? BLANK : text.charAt(first) == '#' ? COMMENT : CODE);
      List<String> ids = parseLine(text, start, end);
      if (!ids.isEmpty()) {
        byLine.put(line, ids);
      }
      line++;
      start = end + 1;
    }
    byte[] lineKind = new byte[kinds.size()];
    for (int i = 0; i < lineKind.length; i++) {
      lineKind[i] = kinds.get(i);
    }
    return new Suppressions(byLine, lineKind);
  }

  /** The rule ids suppressed for an object spanning lines {@code first..last}. */
  Set<String> forObject(int first, int last) {
    if (byLine.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new TreeSet<>();
    for (Map.Entry<Integer, List<String>> e : byLine.subMap(first, true, last, true).entrySet()) {
      out.addAll(e.getValue());
    }
    // The comment lines directly above the object's first line.
    // A blank line ends the run: a comment above it belongs to something else.
    for (int l = first - 1; l >= 1 && l < lineKind.length && lineKind[l] == COMMENT; l--) {
      List<String> ids = byLine.get(l);
      if (ids != null) {
        out.addAll(ids);
      }
    }
    return ImmutableSortedSet.copyOf(out);
  }

  /** The ids of {@code # netpolc: disable=A,B} on one line, or empty. */
  static List<String> parseLine(String text, int start, int end) {
    int hash = text.indexOf('#', start);
    while (hash >= 0 && hash < end) {
      int i = skipSpaces(text, hash + 1, end);
      if (text.startsWith(MARKER, i)) {
        i = skipSpaces(text, i + MARKER.length(), end);
        if (text.startsWith(DISABLE, i)) {
          return ids(text, i + DISABLE.length(), end);
        }
      }
      hash = text.indexOf('#', hash + 1);
    }
    return List.of();
  }

  private static List<String> ids(String text, int from, int end) {
    List<String> out = new ArrayList<>();
    int i = from;
    while (i < end) {
      int s = i;
      while (i < end && Character.isLetterOrDigit(text.charAt(i))) {
        i++;
      }
      if (i > s) {
        out.add(text.substring(s, i));
      }
      int j = skipSpaces(text, i, end);
      if (j < end && text.charAt(j) == ',') {
        i = skipSpaces(text, j + 1, end);
      } else {
        break;
      }
    }
    return out;
  }

  private static int skipSpaces(String text, int from, int end) {
    int i = from;
    while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\r')) {
      i++;
    }
    return i;
  }
}
