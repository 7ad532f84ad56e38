package dev.netpolc.cli.format.diff;

import dev.netpolc.compiler.diff.Change;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.compiler.diff.DiffResult;
import java.util.Optional;

/** {@code netpolc diff --format text}: a summary, then one line per group of changes. */
final class TextDiffFormatter {
  private TextDiffFormatter() {}

  static String format(DiffResult r, Optional<String> probe) {
    StringBuilder sb = new StringBuilder("netpolc diff: ").append(Sides.summary(r, probe)).append('\n');
    for (Change c : Change.values()) {
      if (r.blocks(c).isEmpty()) {
        continue;
      }
      sb.append(c == Change.NEWLY_ALLOWED ? "newly allowed:\n" : "newly denied:\n");
      for (ChangeBlock b : r.blocks(c)) {
        sb.append("  ").append(Sides.source(b)).append(" -> ").append(Sides.destination(b)).append(": ")
            .append(b.ports()).append('\n');
      }
    }
    return sb.toString();
  }
}
