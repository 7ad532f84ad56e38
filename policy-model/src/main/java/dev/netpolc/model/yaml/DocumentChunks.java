package dev.netpolc.model.yaml;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a large multi-document YAML stream into runs of whole documents that can be parsed
 * in parallel. It cuts only before a {@code ---} line at column 0: YAML forbids that marker
 * inside any content (block scalars and quoted scalars end there, or are errors either way), so
 * every chunk parses as the same documents the whole stream would. Streams with directives
 * ({@code %YAML}, which bind to the following document) are not split.
 */
final class DocumentChunks {
  /** Streams shorter than this are parsed in one piece. */
  static final int MIN_SPLIT_CHARS = 2 << 20;

  /**
   * A piece of the text.
   *
   * @param start      offset of its first character
   * @param end        offset after its last character
   * @param lineOffset lines of the file before it
   */
  record Chunk(int start, int end, int lineOffset) {}

  private DocumentChunks() {}

  /** Chunks of about {@code target} characters; one chunk when splitting is pointless or unsafe. */
  static List<Chunk> split(String text, int target) {
    List<Chunk> out = new ArrayList<>();
    if (text.length() < MIN_SPLIT_CHARS || text.startsWith("%") || text.contains("\n%")) {
      out.add(new Chunk(0, text.length(), 0));
      return out;
    }
    int start = 0;
    int startLine = 0;
    int line = 0; // lines before position i
    int i = 0;
    while (i < text.length()) {
      int nl = text.indexOf('\n', i);
      int next = nl < 0 ? text.length() : nl + 1;
      if (i - start >= target && isDocumentStart(text, i)) {
        out.add(new Chunk(start, i, startLine));
        start = i;
        startLine = line;
      }
      line++;
      i = next;
    }
    out.add(new Chunk(start, text.length(), startLine));
    return out;
  }

  /** True when the line starting at {@code i} is {@code ---} followed by a space, tab or line end. */
  private static boolean isDocumentStart(String text, int i) {
    if (!text.startsWith("---", i)) {
      return false;
    }
    int j = i + 3;
    if (j >= text.length()) {
      return true;
    }
    char c = text.charAt(j);
    return c == '\n' || c == '\r' || c == ' ' || c == '\t';
  }
}
