package dev.netpolc.cli.format.lint;

import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The human format, as compilers print it: {@code file:line:col: severity[ID]: message}, related
 * locations indented below as notes, the skipped rules, and a summary line.
 */
public final class TextLintFormatter implements LintFormatter {
  @Override
  public String format(LintReport report) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : report.findings()) {
      out.append(d.position()).append(": ").append(d.severity().label()).append('[').append(d.ruleId())
          .append("]: ").append(oneLine(d.message())).append('\n');
      for (Diagnostic.Related r : d.related()) {
        out.append("  ").append(r.position()).append(": note: ").append(oneLine(r.message())).append('\n');
      }
    }
    Map<String, List<String>> byReason = new LinkedHashMap<>();
    for (LintReport.Skipped s : report.skipped()) {
      byReason.computeIfAbsent(s.reason(), k -> new ArrayList<>()).add(s.ruleId());
    }
    byReason.forEach((reason, ids) ->
        out.append("skipped ").append(String.join(", ", ids)).append(": ").append(reason).append('\n'));
    Map<Severity, Integer> counts = report.counts();
    out.append(plural(counts.get(Severity.ERROR), "error")).append(", ")
        .append(plural(counts.get(Severity.WARNING), "warning")).append(", ")
        .append(counts.get(Severity.INFO)).append(" info\n");
    return out.toString();
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  /** Keeps one finding on one line whatever the input held. */
  static String oneLine(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }
}
