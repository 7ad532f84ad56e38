package dev.netpolc.model.yaml;

import dev.netpolc.model.diagnostics.Diagnostic;

/** Aborts reading an object or a file; carries the error to report. Never escapes the reader. */
final class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Diagnostic diagnostic;

  InputException(Diagnostic diagnostic) {
    super(diagnostic.message(), null, false, false);
    this.diagnostic = diagnostic;
  }

  Diagnostic diagnostic() {
    return diagnostic;
  }
}
