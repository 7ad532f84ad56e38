package dev.netpolc.cli.format.matrix;

import java.util.function.Supplier;

/** The output formats of {@code netpolc matrix}. */
public enum MatrixFormat {
  /** A grid per namespace group with ✓/✗, for terminals. */
  text(TextMatrixFormatter::new),
  /** The matrix contract of the conformance README. */
  json(JsonMatrixFormatter::new),
  /** A Markdown table per probe. */
  md(MarkdownMatrixFormatter::new),
  /** {@code from,to,port,protocol,allowed}, one row per pair. */
  csv(CsvMatrixFormatter::new),
  /** One self-contained HTML page: namespace heat map, pod drill-down, filters. */
  html(HtmlMatrixFormatter::new),
  /** A Graphviz digraph of which namespaces (or pods) reach which. */
  dot(DotMatrixFormatter::new),
  /** A Mermaid flowchart of which namespaces (or pods) reach which. */
  mermaid(MermaidMatrixFormatter::new);

  private final Supplier<MatrixFormatter> factory;

  MatrixFormat(Supplier<MatrixFormatter> factory) {
    this.factory = factory;
  }

  /** A formatter for this format. */
  public MatrixFormatter formatter() {
    return factory.get();
  }
}
