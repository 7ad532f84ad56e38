package dev.netpolc.cli.format.lint;

import dev.netpolc.model.lint.LintReport;

/** Renders a {@link LintReport} as text in one output format; formatters add no logic of their own. */
public interface LintFormatter {
  /** The whole output for {@code report}, ending with a newline; the same report gives the same bytes. */
  String format(LintReport report);
}
