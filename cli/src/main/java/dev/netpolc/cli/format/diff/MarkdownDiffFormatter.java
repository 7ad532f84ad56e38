package dev.netpolc.cli.format.diff;

import dev.netpolc.compiler.diff.Change;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.compiler.diff.DiffResult;
import java.util.Optional;

/** {@code netpolc diff --format md}: a summary line, then a table per kind of change, for a PR comment. */
final class MarkdownDiffFormatter {
  private MarkdownDiffFormatter() {}

  static String format(DiffResult r, Optional<String> probe) {
    StringBuilder sb = new StringBuilder("**netpolc diff**: ").append(Sides.summary(r, probe)).append(".\n");
    for (Change c : Change.values()) {
      if (r.blocks(c).isEmpty()) {
        continue;
      }
      sb.append('\n').append(c == Change.NEWLY_ALLOWED ? "### Newly allowed\n" : "### Newly denied\n").append('\n');
      sb.append("| From | To | Ports | Pod pairs |\n|---|---|---|---:|\n");
      for (ChangeBlock b : r.blocks(c)) {
        sb.append("| ").append(cell(Sides.source(b))).append(" | ").append(cell(Sides.destination(b))).append(" | ")
            .append(cell(b.ports().toString())).append(" | ").append(b.pairCount()).append(" |\n");
      }
    }
    return sb.toString();
  }

  /** Code-formatted, with pipes escaped so they cannot end the cell. */
  private static String cell(String s) {
    return "`" + s.replace("|", "\\|").replace("`", "'") + "`";
  }
}
