package dev.netpolc.cli.format.lint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintReport;
import dev.netpolc.model.lint.LintRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SARIF 2.1.0: one run whose {@code tool.driver.rules} describe every rule (id, short
 * description, help URI, default level) and whose results carry the real start line and column
 * of each finding. Skipped rules become tool execution notifications.
 */
public final class SarifLintFormatter implements LintFormatter {
  /** Where each rule is documented, relative to the netpolc sources; {@code #np101} selects a rule. */
  public static final String DOCS_PAGE = "docs/lint-rules.md";
  /** The SARIF 2.1.0 JSON schema. */
  public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

  @Override
  public String format(LintReport report) {
    ObjectNode root = JsonSupport.object();
    root.put("$schema", SCHEMA);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "netpolc");
    Map<String, Integer> index = new LinkedHashMap<>();
    ArrayNode rules = driver.putArray("rules");
    for (LintRule r : report.rules()) {
      index.put(r.id(), index.size());
      addRule(rules, r.id(), r.summary(), r.defaultSeverity());
    }
    for (Diagnostic d : report.findings()) {
      if (!index.containsKey(d.ruleId())) { // input errors and other ids outside the lint catalogue
        index.put(d.ruleId(), index.size());
        addRule(rules, d.ruleId(), "input error " + d.ruleId(), d.severity());
      }
    }
    ObjectNode invocation = run.putArray("invocations").addObject();
    invocation.put("executionSuccessful", true);
    ArrayNode notes = invocation.putArray("toolExecutionNotifications");
    for (LintReport.Skipped s : report.skipped()) {
      ObjectNode n = notes.addObject();
      n.putObject("descriptor").put("id", s.ruleId());
      n.put("level", "note");
      n.putObject("message").put("text", s.ruleId() + " skipped: " + s.reason());
    }
    ArrayNode results = run.putArray("results");
    for (Diagnostic d : report.findings()) {
      ObjectNode result = results.addObject();
      result.put("ruleId", d.ruleId());
      result.put("ruleIndex", index.get(d.ruleId()));
      result.put("level", level(d.severity()));
      result.putObject("message").put("text", d.message());
      location(result.putArray("locations").addObject(), d.position());
      if (!d.related().isEmpty()) {
        ArrayNode related = result.putArray("relatedLocations");
        for (int i = 0; i < d.related().size(); i++) {
          ObjectNode loc = related.addObject();
          loc.put("id", i + 1);
          location(loc, d.related().get(i).position());
          loc.putObject("message").put("text", d.related().get(i).message());
        }
      }
    }
    return JsonSupport.write(root);
  }

  private static void addRule(ArrayNode rules, String id, String summary, Severity severity) {
    ObjectNode rule = rules.addObject();
    rule.put("id", id);
    rule.putObject("shortDescription").put("text", summary);
    // No helpUri: netpolc has no published site, and a made-up address would mislead.
    rule.putObject("help").put("text", "See " + DOCS_PAGE + "#" + id.toLowerCase(Locale.ROOT) + " in the netpolc sources.");
    rule.putObject("defaultConfiguration").put("level", level(severity));
  }

  private static void location(ObjectNode loc, SourcePosition p) {
    ObjectNode physical = loc.putObject("physicalLocation");
    physical.putObject("artifactLocation").put("uri", uri(p.file()));
    if (p.isKnown()) {
      ObjectNode region = physical.putObject("region");
      region.put("startLine", p.line());
      if (p.column() > 0) {
        region.put("startColumn", p.column());
      }
    }
  }

  /** SARIF levels: error, warning, note; none for findings turned off. */
  static String level(Severity s) {
    switch (s) {
      case ERROR:
        return "error";
      case WARNING:
        return "warning";
      case INFO:
        return "note";
      default:
        return "none";
    }
  }

  /** The file name as a relative URI reference: forward slashes, unsafe characters percent-encoded. */
  static String uri(String file) {
    try {
      return new URI(null, null, file.replace('\\', '/'), null).toASCIIString();
    } catch (URISyntaxException e) {
      return file.replace('\\', '/').replace("%", "%25").replace(" ", "%20"); // still a usable reference
    }
  }
}
