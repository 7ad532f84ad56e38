package dev.netpolc.cli.format.explain;

import dev.netpolc.compiler.explain.ExplainReport;
import java.util.function.Function;

/** The output formats of {@code netpolc explain}. */
public enum ExplainFormat {
  /** Lines for people. */
  text(TextExplainFormatter::format),
  /** One JSON object with a top-level boolean {@code allowed}. */
  json(JsonExplainFormatter::format);

  private final Function<ExplainReport, String> formatter;

  ExplainFormat(Function<ExplainReport, String> formatter) {
    this.formatter = formatter;
  }

  /** The report rendered whole, ending with a newline. */
  public String format(ExplainReport report) {
    return formatter.apply(report);
  }
}
