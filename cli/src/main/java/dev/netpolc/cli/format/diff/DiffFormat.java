package dev.netpolc.cli.format.diff;

import dev.netpolc.compiler.diff.DiffResult;
import java.util.Optional;

/** The output formats of {@code netpolc diff}. */
public enum DiffFormat {
  /** Lines for people. */
  text,
  /** Change groups; with a probe, the exact pod pairs. */
  json,
  /** A summary line and tables, for a pull-request comment. */
  md;

  /**
   * The result rendered whole, ending with a newline.
   *
   * @param probe the one port and protocol the result was restricted to (e.g. {@code TCP 5432}), if any
   */
  public String format(DiffResult result, Optional<String> probe) {
    switch (this) {
      case json:
        return JsonDiffFormatter.format(result, probe);
      case md:
        return MarkdownDiffFormatter.format(result, probe);
      default:
        return TextDiffFormatter.format(result, probe);
    }
  }
}
