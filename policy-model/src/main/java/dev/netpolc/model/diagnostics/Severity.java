package dev.netpolc.model.diagnostics;

/** How serious a finding is; {@link #OFF} turns a rule off. Ordered from least to most serious. */
public enum Severity {
  OFF, INFO, WARNING, ERROR;

  /** Lowercase name as used on command lines and in output ({@code warning}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
