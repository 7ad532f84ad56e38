package dev.netpolc.cli.format.lint;

import java.util.function.Supplier;

/** The output formats of {@code netpolc lint}, by their command-line names. */
public enum LintFormat {
  /** {@code file:line:col: severity[ID]: message} lines and a summary line. */
  text(TextLintFormatter::new),
  /** One JSON object with findings, skipped rules and counts. */
  json(JsonLintFormatter::new),
  /** SARIF 2.1.0, for code scanning. */
  sarif(SarifLintFormatter::new),
  /** GitHub Actions workflow commands ({@code ::error file=…::…}). */
  github(GithubLintFormatter::new);

  private final Supplier<LintFormatter> factory;

  LintFormat(Supplier<LintFormatter> factory) {
    this.factory = factory;
  }

  /** A formatter for this format. */
  public LintFormatter formatter() {
    return factory.get();
  }
}
