package dev.netpolc.model.yaml;

/**
 * Finds where a character of a scalar's value is in the file: the value of a quoted scalar
 * differs from its text ({@code ''} in single quotes, {@code \"} and {@code \u00e9} in double
 * quotes, JSON escapes), and multi-line plain, quoted and block scalars fold or drop line
 * breaks and indentation. The file text is walked from the scalar's first character, guided by
 * the value the parser produced: each value character is matched with the source characters
 * that produce it. When the walk cannot reproduce the value (a YAML form it does not know), the
 * answer is null and callers fall back to the scalar's own position; it never guesses.
 */
final class ScalarLocator {
  private final String text;
  private final int[] lineStarts;

  ScalarLocator(LineIndex lines) {
    this.text = lines.text();
    this.lineStarts = lines.lineStarts();
  }

  /**
   * The 1-based line and column (in code points, as the reader's positions are) of the value's
   * code point {@code codePointIndex} (0-based; the value's length means just after its last
   * character), for the scalar whose first token is at {@code line}:{@code column}; null when
   * it cannot be located.
   */
  int[] locate(int line, int column, String value, int codePointIndex) {
    if (line < 1 || line > lineStarts.length || column < 1 || codePointIndex < 0
        || codePointIndex > value.codePointCount(0, value.length())) {
      return null;
    }
    int start;
    try {
      start = text.offsetByCodePoints(lineStarts[line - 1], column - 1);
    } catch (IndexOutOfBoundsException e) {
      return null;
    }
    int[] offsets = walk(start, value);
    if (offsets == null) {
      return null;
    }
    int charIndex = value.offsetByCodePoints(0, codePointIndex);
    return lineColumn(offsets[charIndex]);
  }

  /** Source offsets of each value char, plus one entry for "just after the value"; null on failure. */
  private int[] walk(int at, String value) {
    int i = skipProperties(at);
    if (i >= text.length()) {
      return null;
    }
    char first = text.charAt(i);
    if (first == '|' || first == '>') {
      return block(i, value, first == '>');
    }
    boolean dq = first == '"';
    boolean sq = first == '\'';
    if (dq || sq) {
      i++;
    }
    int[] out = new int[value.length() + 1];
    int v = 0;
    while (v < value.length()) {
      if (i >= text.length()) {
        return null;
      }
      char c = text.charAt(i);
      if (dq && c == '\\') {
        if (i + 1 >= text.length()) {
          return null;
        }
        char n = text.charAt(i + 1);
        if (n == '\n' || n == '\r') { // an escaped line break: nothing, and the next line's indentation goes
          i = skipBlanks(skipBreak(i + 1));
          continue;
        }
        int[] escape = escape(i + 1);
        if (escape == null) {
          return null;
        }
        String decoded = new String(Character.toChars(escape[0]));
        if (!value.startsWith(decoded, v)) {
          return null;
        }
        for (int k = 0; k < decoded.length(); k++) {
          out[v++] = i;
        }
        i = escape[1];
        continue;
      }
      if (sq && c == '\'') {
        if (i + 1 < text.length() && text.charAt(i + 1) == '\'' && value.charAt(v) == '\'') {
          out[v++] = i;
          i += 2;
          continue;
        }
        return null;
      }
      if ((c == ' ' || c == '\t' || c == '\n' || c == '\r') && restOfLineBlank(i)) {
        int j = i;
        while (text.charAt(j) == ' ' || text.charAt(j) == '\t') {
          j++;
        }
        if (j >= text.length()) {
          return null;
        }
        // A line break folds to a space; each further (blank) line break is a newline.
        int breaks = 0;
        while (j < text.length() && (text.charAt(j) == '\n' || text.charAt(j) == '\r')) {
          breaks++;
          j = skipBlanks(skipBreak(j));
        }
        String folded = breaks == 1 ? " " : "\n".repeat(breaks - 1);
        if (!value.startsWith(folded, v)) {
          return null;
        }
        for (int k = 0; k < folded.length(); k++) {
          out[v++] = i;
        }
        i = j;
        continue;
      }
      if (c != value.charAt(v)) {
        return null;
      }
      out[v++] = i++;
    }
    out[v] = i;
    return out;
  }

  /** A literal or folded block scalar whose indicator is at {@code at}. */
  private int[] block(int at, String value, boolean folded) {
    int i = at;
    while (i < text.length() && text.charAt(i) != '\n') {
      i++;
    }
    i++; // the first content line
    int indent = -1;
    for (int k = i; k < text.length() && indent < 0; ) {
      int s = k;
      while (k < text.length() && text.charAt(k) == ' ') {
        k++;
      }
      if (k < text.length() && text.charAt(k) != '\n' && text.charAt(k) != '\r') {
        indent = k - s;
      } else {
        k = k < text.length() ? skipBreak(k) : k;
      }
    }
    // An explicit indentation indicator ({@code |2}) may set less than the first line has: the
    // value then keeps the extra spaces. Try the detected indentation first, then smaller ones.
    for (int n = indent; n >= 1; n--) {
      int[] out = blockBody(i, n, value, folded);
      if (out != null) {
        return out;
      }
    }
    return null;
  }

  private int[] blockBody(int contentStart, int indent, String value, boolean folded) {
    int i = contentStart;
    int[] out = new int[value.length() + 1];
    int v = 0;
    i = skipIndent(i, indent);
    while (v < value.length()) {
      if (i >= text.length()) {
        return null;
      }
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        char want = value.charAt(v);
        // A break is a newline (literal, or folded around blank and more-indented lines), a
        // space (folded between two text lines) or nothing (a folded break before a blank line).
        if (want == '\n' || (folded && want == ' ')) {
          out[v++] = i;
        } else if (!folded) {
          return null;
        }
        i = skipIndent(skipBreak(i), indent);
        continue;
      }
      if (c != value.charAt(v)) {
        return null;
      }
      out[v++] = i++;
    }
    out[v] = i;
    return out;
  }

  /** Skips a tag ({@code !!str}) and an anchor ({@code &a}) before a scalar. */
  private int skipProperties(int at) {
    int i = at;
    while (i < text.length() && (text.charAt(i) == '!' || text.charAt(i) == '&')) {
      while (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != '\n') {
        i++;
      }
      while (i < text.length() && text.charAt(i) == ' ') {
        i++;
      }
    }
    return i;
  }

  /** The decoded code point of the escape whose letter is at {@code at}, and the offset after it. */
  private int[] escape(int at) {
    char n = text.charAt(at);
    int digits;
    switch (n) {
      case '0': return new int[] {0, at + 1};
      case 'a': return new int[] {7, at + 1};
      case 'b': return new int[] {8, at + 1};
      case 't': case '\t': return new int[] {9, at + 1};
      case 'n': return new int[] {10, at + 1};
      case 'v': return new int[] {11, at + 1};
      case 'f': return new int[] {12, at + 1};
      case 'r': return new int[] {13, at + 1};
      case 'e': return new int[] {27, at + 1};
      case ' ': case '"': case '/': case '\\': return new int[] {n, at + 1};
      case 'N': return new int[] {0x85, at + 1};
      case '_': return new int[] {0xa0, at + 1};
      case 'L': return new int[] {0x2028, at + 1};
      case 'P': return new int[] {0x2029, at + 1};
      case 'x': digits = 2; break;
      case 'u': digits = 4; break;
      case 'U': digits = 8; break;
      default: return null;
    }
    if (at + 1 + digits > text.length()) {
      return null;
    }
    try {
      int cp = (int) Long.parseLong(text.substring(at + 1, at + 1 + digits), 16);
      // A surrogate pair written as two \\u escapes (JSON's form) decodes to one code point.
      if (digits == 4 && Character.isHighSurrogate((char) cp) && at + 11 <= text.length()
          && text.startsWith("\\u", at + 5)) {
        int low = Integer.parseInt(text.substring(at + 7, at + 11), 16);
        if (Character.isLowSurrogate((char) low)) {
          return new int[] {Character.toCodePoint((char) cp, (char) low), at + 11};
        }
      }
      return Character.isValidCodePoint(cp) ? new int[] {cp, at + 1 + digits} : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private boolean restOfLineBlank(int at) {
    for (int i = at; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        return true;
      }
      if (c != ' ' && c != '\t') {
        return false;
      }
    }
    return false;
  }

  private int skipBreak(int at) {
    if (at < text.length() && text.charAt(at) == '\r') {
      at++;
    }
    if (at < text.length() && text.charAt(at) == '\n') {
      at++;
    }
    return at;
  }

  private int skipBlanks(int at) {
    while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
      at++;
    }
    return at;
  }

  private int skipIndent(int at, int indent) {
    int n = 0;
    while (n < indent && at < text.length() && text.charAt(at) == ' ') {
      at++;
      n++;
    }
    return at;
  }

  private int[] lineColumn(int offset) {
    int lo = 0;
    int hi = lineStarts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (lineStarts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return new int[] {lo + 1, text.codePointCount(lineStarts[lo], offset) + 1};
  }
}
