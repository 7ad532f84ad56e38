package dev.netpolc.model.yaml;

/**
 * A file's text with the offsets of its line starts, built once per file and shared by the
 * chunks parsed in parallel (to read scalar anchors, which Jackson does not expose).
 */
final class LineIndex {
  private final String text;
  private final boolean hasAnchors;
  private int[] lineStarts;

  LineIndex(String text) {
    this.text = text;
    this.hasAnchors = text.indexOf('&') >= 0;
  }

  String text() {
    return text;
  }

  /** False when the text has no {@code &} at all: then no scalar can carry an anchor. */
  boolean hasAnchors() {
    return hasAnchors;
  }

  /** Offsets of the starts of lines 1, 2, … (index 0 is line 1). */
  synchronized int[] lineStarts() {
    if (lineStarts == null) {
      int count = 1;
      for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        count++;
      }
      int[] starts = new int[count];
      int n = 1;
      for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        starts[n++] = i + 1;
      }
      lineStarts = starts;
    }
    return lineStarts;
  }
}
