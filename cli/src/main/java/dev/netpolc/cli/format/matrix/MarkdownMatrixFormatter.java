package dev.netpolc.cli.format.matrix;

import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.List;

/** One Markdown table per probe: rows are sources, columns destinations, cells ✓ or ✗. */
public final class MarkdownMatrixFormatter implements MatrixFormatter {

  @Override
  public String format(List<ReachabilityMatrix> matrices, boolean single) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < matrices.size(); i++) {
      ReachabilityMatrix m = matrices.get(i);
      if (i > 0) {
        sb.append('\n');
      }
      sb.append("### ").append(MatrixFormatter.title(m)).append("\n\n");
      sb.append("✓ a new connection is allowed, ✗ denied; rows are sources, columns destinations.\n\n");
      sb.append("| from \\ to |");
      m.destinations().forEach(p -> sb.append(' ').append(p).append(" |"));
      sb.append("\n|---|");
      m.destinations().forEach(p -> sb.append(":-:|"));
      sb.append('\n');
      for (String from : m.sources()) {
        sb.append("| **").append(from).append("** |");
        for (String to : m.destinations()) {
          sb.append(' ').append(m.reaches(from, to) ? "✓" : "✗").append(" |");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
