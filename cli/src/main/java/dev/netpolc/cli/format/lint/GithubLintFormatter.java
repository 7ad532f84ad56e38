package dev.netpolc.cli.format.lint;

import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintReport;

/**
 * GitHub Actions workflow commands, one per finding:
 * {@code ::error file=F,line=L,col=C,title=NP101::message}. Infos become {@code notice}.
 * Values are escaped as the Actions toolkit does: {@code %}, CR and LF everywhere, and also
 * {@code :} and {@code ,} in properties.
 */
public final class GithubLintFormatter implements LintFormatter {
  @Override
  public String format(LintReport report) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : report.findings()) {
      out.append("::").append(command(d.severity())).append(' ');
      out.append("file=").append(property(d.position().file()));
      if (d.position().isKnown()) {
        out.append(",line=").append(d.position().line()).append(",col=").append(d.position().column());
      }
      out.append(",title=").append(property(d.ruleId())).append("::").append(data(d.message())).append('\n');
    }
    for (LintReport.Skipped s : report.skipped()) {
      out.append("::notice title=").append(property(s.ruleId())).append("::")
          .append(data(s.ruleId() + " skipped: " + s.reason())).append('\n');
    }
    return out.toString();
  }

  private static String command(Severity s) {
    switch (s) {
      case ERROR:
        return "error";
      case WARNING:
        return "warning";
      default:
        return "notice";
    }
  }

  /** Escapes a command's message. */
  static String data(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  /** Escapes a command property value. */
  static String property(String s) {
    return data(s).replace(":", "%3A").replace(",", "%2C");
  }
}
