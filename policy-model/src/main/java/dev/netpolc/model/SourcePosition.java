package dev.netpolc.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * Where an element came from: a file (or {@code <stdin>}), a 1-based line and a 1-based column.
 * Positions survive every stage so that any finding can point back at the YAML that caused it.
 *
 * @param file   the file name as given on input, {@code <stdin>}, or {@code <unknown>}
 * @param line   1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 */
public record SourcePosition(String file, int line, int column) implements Comparable<SourcePosition> {
  /** The position of elements built in code rather than read from a file. */
  public static final SourcePosition UNKNOWN = new SourcePosition("<unknown>", 0, 0);

  private static final Comparator<SourcePosition> ORDER =
      Comparator.comparing(SourcePosition::file)
          .thenComparingInt(SourcePosition::line)
          .thenComparingInt(SourcePosition::column);

  public SourcePosition {
    Objects.requireNonNull(file, "file");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("negative line or column");
    }
  }

  /** True when this position points into a real input. */
  public boolean isKnown() {
    return line > 0;
  }

  @Override
  public int compareTo(SourcePosition o) {
    return ORDER.compare(this, o);
  }

  /** {@code file:line:column}, the form editors and CI annotations understand. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
