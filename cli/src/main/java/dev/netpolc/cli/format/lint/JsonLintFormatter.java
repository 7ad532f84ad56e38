package dev.netpolc.cli.format.lint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.lint.LintReport;

/**
 * One JSON object: {@code findings} (id, severity, file, line, column, path, message, related),
 * {@code skipped} (id, reason) and {@code counts} (error, warning, info).
 */
public final class JsonLintFormatter implements LintFormatter {
  @Override
  public String format(LintReport report) {
    ObjectNode root = JsonSupport.object();
    ArrayNode findings = root.putArray("findings");
    for (Diagnostic d : report.findings()) {
      ObjectNode f = findings.addObject();
      f.put("id", d.ruleId());
      f.put("severity", d.severity().label());
      JsonSupport.position(f, d.position());
      f.put("path", d.path());
      f.put("message", d.message());
      ArrayNode related = f.putArray("related");
      for (Diagnostic.Related r : d.related()) {
        JsonSupport.position(related.addObject(), r.position()).put("message", r.message());
      }
    }
    ArrayNode skipped = root.putArray("skipped");
    for (LintReport.Skipped s : report.skipped()) {
      skipped.addObject().put("id", s.ruleId()).put("reason", s.reason());
    }
    ObjectNode counts = root.putObject("counts");
    report.counts().forEach((severity, n) -> counts.put(severity.label(), n));
    return JsonSupport.write(root);
  }
}
